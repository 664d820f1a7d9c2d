"""Counters for the dashboard, in one query."""

from __future__ import annotations

from sqlalchemy import func, or_, select

from storefront import db

from .models import Shipment
from .shipping import stalled_since


def counters(merchant, scope) -> dict[str, int]:
    since = stalled_since(scope.settings("tracking").get("stalled_hours", 48))
    open_ = Shipment.status.not_in(("delivered", "expired"))
    row = db.session.execute(
        select(
            func.count(Shipment.id).filter(Shipment.status.in_(("in_transit", "out_for_delivery"))),
            func.count(Shipment.id).filter(Shipment.status.in_(("exception", "attempt_fail"))),
            func.count(Shipment.id).filter(
                open_,
                or_(
                    Shipment.last_event_at < since,
                    Shipment.last_event_at.is_(None) & (Shipment.created_at < since),
                ),
            ),
        ).where(Shipment.merchant_id == merchant.id)
    ).one()
    return {"in_transit": row[0], "exceptions": row[1], "delayed": row[2]}
