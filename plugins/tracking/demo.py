"""Demo parcels: every shipped or completed demo order gets a parcel with a short history.

The parcel holds the order's lines where tracking is on; an order of none gets no parcel.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from storefront import Order, db, lines_where, utcnow

from .carriers import TrackingUpdate
from .models import Shipment, ShipmentItem
from .shipping import record_event

HISTORY = [
    ("info_received", "Suzhou", "Label created", 3),
    ("in_transit", "Suzhou sorting centre", "Departed", 2),
    ("in_transit", "Shanghai hub", "Arrived", 1),
]


def seed(merchant) -> None:
    orders = db.session.scalars(
        select(Order).where(
            Order.merchant_id == merchant.id, Order.status.in_(("shipped", "completed"))
        )
    ).all()
    now = utcnow()
    for n, order in enumerate(orders):
        lines = lines_where("tracking", order)
        if not lines:
            continue
        shipment = Shipment(
            merchant_id=merchant.id,
            order_id=order.id,
            carrier="sf",
            tracking_number=f"SF{1400000000000 + order.id * 7919 + n}",
            status="info_received",
            eta=now + timedelta(days=1),
        )
        shipment.items = [
            ShipmentItem(order_item_id=line.id, quantity=line.quantity) for line in lines
        ]
        db.session.add(shipment)
        db.session.flush()
        steps = HISTORY + (
            [("delivered", "Shanghai", "Signed by recipient", 0)]
            if order.status == "completed"
            else []
        )
        for status, where, message, days_ago in steps:
            record_event(
                shipment,
                TrackingUpdate(
                    None, status, now - timedelta(days=days_ago, hours=n), where, message
                ),
                source="demo",
            )
