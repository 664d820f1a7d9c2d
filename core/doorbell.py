"""Wake the event worker through Redis the moment a request has written events.

The outbox table stays the queue: events are rows committed with the change they describe,
so an event exists exactly when its change does, retries and dead letters are rows the
platform admin can show, and nothing is lost when Redis restarts (ours keeps nothing on
disk). Redis only carries a doorbell: requests push a token to a list, the worker blocks on
that list instead of sleeping, so delivery starts within milliseconds rather than at the
next poll. Without `REDIS_URL` (or with Redis down) the worker simply polls.
"""

from __future__ import annotations

import logging
import time

from flask import Flask, current_app

log = logging.getLogger("storefront.events")

KEY = "storefront:events:doorbell"


def _client(app: Flask):
    url = app.config.get("REDIS_URL")
    if not url:
        return None
    client = app.extensions.get("storefront_redis")
    if client is None:
        import redis

        client = redis.Redis.from_url(url, socket_timeout=5, socket_connect_timeout=2)
        app.extensions["storefront_redis"] = client
    return client


def ring(app: Flask | None = None) -> bool:
    """Tell a waiting worker that events were committed; False when there is no Redis."""
    client = _client(app or current_app)
    if client is None:
        return False
    try:
        with client.pipeline() as pipe:
            pipe.rpush(KEY, 1).ltrim(KEY, -100, -1).execute()
        return True
    except Exception:  # the worker's poll still delivers; a request must not fail for this
        log.warning("could not ring the event worker through Redis", exc_info=True)
        return False


def wait(seconds: float, app: Flask | None = None) -> bool:
    """Sleep until the doorbell rings or `seconds` pass; True when it rang."""
    client = _client(app or current_app)
    if client is None:
        time.sleep(seconds)
        return False
    try:
        rang = client.blpop([KEY], timeout=max(int(round(seconds)), 1)) is not None
        if rang:
            client.delete(KEY)  # one pass of the worker serves every ring so far
        return rang
    except Exception:
        log.warning("Redis unreachable; polling instead", exc_info=True)
        time.sleep(seconds)
        return False
