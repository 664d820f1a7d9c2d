"""Moving a shop's parcels between installations, by order number and order-item SKU."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from storefront import Order, db

from .models import Shipment, ShipmentItem, TrackingEvent


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def export_rows(merchant) -> dict[str, Any]:
    parcels = db.session.scalars(
        select(Shipment)
        .where(Shipment.merchant_id == merchant.id)
        .options(joinedload(Shipment.order), selectinload(Shipment.events))
    )
    return {
        "shipments": [
            {
                "order": s.order.number,
                "carrier": s.carrier,
                "tracking_number": s.tracking_number,
                "reference": s.reference,
                "status": s.status,
                "eta": _iso(s.eta),
                "last_event_at": _iso(s.last_event_at),
                "delivered_at": _iso(s.delivered_at),
                "items": [{"sku": i.order_item.sku, "quantity": i.quantity} for i in s.items],
                "events": [
                    {
                        "id": e.external_id,
                        "status": e.status,
                        "time": e.occurred_at.isoformat(),
                        "location": e.location,
                        "message": e.message,
                        "source": e.source,
                    }
                    for e in s.events
                ],
            }
            for s in parcels
        ]
    }


def import_rows(merchant, data: dict[str, Any] | None) -> None:
    for row in (data or {}).get("shipments", []):
        order = db.session.scalar(
            select(Order).where(Order.merchant_id == merchant.id, Order.number == row["order"])
        )
        if order is None:
            continue
        by_sku = {item.sku: item for item in order.items}
        shipment = Shipment(
            merchant_id=merchant.id,
            order_id=order.id,
            carrier=row["carrier"],
            tracking_number=row["tracking_number"],
            reference=row.get("reference"),
            status=row["status"],
            eta=datetime.fromisoformat(row["eta"]) if row.get("eta") else None,
            last_event_at=datetime.fromisoformat(row["last_event_at"])
            if row.get("last_event_at")
            else None,
            delivered_at=datetime.fromisoformat(row["delivered_at"])
            if row.get("delivered_at")
            else None,
        )
        shipment.items = [
            ShipmentItem(order_item_id=by_sku[i["sku"]].id, quantity=i["quantity"])
            for i in row["items"]
            if i["sku"] in by_sku
        ]
        shipment.events = [
            TrackingEvent(
                external_id=e["id"],
                status=e["status"],
                occurred_at=datetime.fromisoformat(e["time"]),
                location=e["location"],
                message=e["message"],
                source=e["source"],
            )
            for e in row["events"]
        ]
        db.session.add(shipment)
