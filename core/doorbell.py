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
from collections.abc import Callable

from flask import Flask, current_app

log = logging.getLogger("storefront.events")

KEY = "storefront:events:doorbell"
RING_TIMEOUT = 0.2  # a shopper's request waits at most this long for Redis
QUIET_AFTER_FAILURE = 30.0  # then requests stop trying for a while
SLICE = 1  # the worker checks for SIGTERM at least this often (seconds)


def _client(app: Flask, purpose: str):
    """One client per purpose: ringing must give up fast, waiting must outlast BLPOP."""
    url = app.config.get("REDIS_URL")
    if not url:
        return None
    clients = app.extensions.setdefault("storefront_redis", {})
    if purpose not in clients:
        import redis

        timeout = RING_TIMEOUT if purpose == "ring" else SLICE + 5
        clients[purpose] = redis.Redis.from_url(
            url, socket_timeout=timeout, socket_connect_timeout=min(timeout, 2)
        )
    return clients[purpose]


def ring(app: Flask | None = None) -> bool:
    """Tell a waiting worker that events were committed; False when it could not."""
    app = app or current_app._get_current_object()
    client = _client(app, "ring")
    if client is None or time.monotonic() < app.extensions.get("storefront_redis_quiet", 0):
        return False
    try:
        with client.pipeline() as pipe:
            pipe.rpush(KEY, 1).ltrim(KEY, -100, -1).execute()
        return True
    except Exception:  # the worker's poll still delivers; a request must not fail for this
        app.extensions["storefront_redis_quiet"] = time.monotonic() + QUIET_AFTER_FAILURE
        log.warning("could not ring the event worker through Redis", exc_info=True)
        return False


def wait(
    seconds: float, app: Flask | None = None, stopping: Callable[[], bool] = lambda: False
) -> bool:
    """Sleep until the doorbell rings, `seconds` pass or `stopping()`; True when it rang."""
    app = app or current_app._get_current_object()
    client = _client(app, "wait")
    deadline = time.monotonic() + seconds
    while not stopping():
        left = deadline - time.monotonic()
        if left <= 0:
            return False
        if client is None:
            time.sleep(min(left, SLICE))
            continue
        try:
            if client.blpop([KEY], timeout=max(min(left, SLICE), 0.01)) is not None:
                client.delete(KEY)  # one pass of the worker serves every ring so far
                return True
        except Exception:
            log.warning("Redis unreachable; polling instead", exc_info=True)
            client = None
    return False
