"""Signed webhook bodies from a tracking aggregator.

The sender signs `"{timestamp}.{body}"` with HMAC-SHA256 and the shop's secret and sends
the hex digest in `X-Tracking-Signature` and the Unix time in `X-Tracking-Timestamp`.
Signing the timestamp with the body stops an old, captured request from being replayed
after five minutes; the event id stops a redelivery inside that window from counting twice.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from datetime import datetime
from typing import Any

from storefront import utc_time

from .carriers import STATUSES, TrackingUpdate
from .models import EVENT_ID_LENGTH

MAX_AGE_SECONDS = 300


class WebhookError(Exception):
    def __init__(self, status: int, field: str, message: str) -> None:
        super().__init__(message)
        self.status, self.field, self.message = status, field, message


def sign(secret: str, timestamp: str, body: bytes) -> str:
    message = timestamp.encode() + b"." + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def verify(
    secret: str, timestamp: str | None, signature: str | None, body: bytes, now: float | None = None
) -> None:
    if not secret:
        raise WebhookError(403, "secret", "this shop has no webhook secret configured")
    if not timestamp or not signature:
        raise WebhookError(401, "signature", "missing X-Tracking-Timestamp or X-Tracking-Signature")
    try:
        sent = int(timestamp)
    except ValueError:
        raise WebhookError(401, "timestamp", "timestamp must be Unix seconds") from None
    if abs((now if now is not None else time.time()) - sent) > MAX_AGE_SECONDS:
        raise WebhookError(401, "timestamp", "timestamp is older than 5 minutes")
    if not hmac.compare_digest(sign(secret, timestamp, body), signature.strip().lower()):
        raise WebhookError(401, "signature", "signature does not match")


def _time(value: Any, field: str) -> datetime:
    parsed = utc_time(value)
    if parsed is None:
        raise WebhookError(400, field, f"{field} must be an ISO 8601 time from 2000 to 2099")
    return parsed


def parse_event(data: Any) -> tuple[str, TrackingUpdate]:
    """(tracking number, update) from the aggregator's JSON, or a WebhookError naming the key."""
    if not isinstance(data, dict):
        raise WebhookError(400, "body", "body must be a JSON object")
    for key in ("id", "tracking_number", "status", "time"):
        if not isinstance(data.get(key), str) or not data[key].strip():
            raise WebhookError(400, key, f"{key} is required")
    if len(data["id"]) > EVENT_ID_LENGTH:
        # Kept whole or refused, never cut: a cut id could match another event's.
        raise WebhookError(400, "id", f"id must be at most {EVENT_ID_LENGTH} characters")
    if data["status"] not in STATUSES:
        raise WebhookError(400, "status", "status must be one of " + ", ".join(STATUSES))
    eta = _time(data["eta"], "eta") if data.get("eta") else None
    return data["tracking_number"].strip().upper(), TrackingUpdate(
        event_id=data["id"],
        status=data["status"],
        occurred_at=_time(data["time"], "time"),
        location=str(data.get("location") or "")[:200],
        message=str(data.get("message") or "")[:2000],
        eta=eta,
    )
