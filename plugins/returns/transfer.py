"""Moving a shop's return requests between installations."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select

from storefront import Order, Upload, Variant, db

from .models import ReturnEvent, ReturnItem, ReturnPhoto, ReturnRequest

FIELDS = (
    "rma",
    "kind",
    "reason",
    "description",
    "status",
    "shipping_paid_by",
    "refund_minor",
    "return_carrier",
    "return_tracking",
)


def export_rows(merchant) -> dict[str, Any]:
    found = db.session.scalars(
        select(ReturnRequest).where(ReturnRequest.merchant_id == merchant.id)
    )
    return {
        "requests": [
            {
                **{f: getattr(r, f) for f in FIELDS},
                "order": r.order.number,
                "created_at": r.created_at.isoformat(),
                "items": [
                    {
                        "sku": i.order_item.sku,
                        "quantity": i.quantity,
                        "exchange_sku": i.exchange_variant.sku if i.exchange_variant else None,
                    }
                    for i in r.items
                ],
                "photos": [p.upload.token for p in r.photos],
                "events": [
                    {
                        "status": e.status,
                        "actor": e.actor_label,
                        "note": e.note,
                        "at": e.created_at.isoformat(),
                    }
                    for e in r.events
                ],
            }
            for r in found
        ]
    }


def import_rows(merchant, data: dict[str, Any] | None) -> None:
    for row in (data or {}).get("requests", []):
        order = db.session.scalar(
            select(Order).where(Order.merchant_id == merchant.id, Order.number == row["order"])
        )
        if order is None:
            continue
        by_sku = {i.sku: i for i in order.items}
        request = ReturnRequest(
            merchant_id=merchant.id,
            order_id=order.id,
            user_id=order.user_id,
            created_at=datetime.fromisoformat(row["created_at"]),
            **{f: row.get(f) for f in FIELDS},
        )
        for line in row["items"]:
            if line["sku"] not in by_sku:
                continue
            variant_id = None
            if line.get("exchange_sku"):
                variant_id = db.session.scalar(
                    select(Variant.id).where(
                        Variant.sku == line["exchange_sku"],
                        Variant.product_id == by_sku[line["sku"]].product_id,
                    )
                )
            request.items.append(
                ReturnItem(
                    order_item_id=by_sku[line["sku"]].id,
                    quantity=line["quantity"],
                    exchange_variant_id=variant_id,
                )
            )
        for token in row.get("photos", []):
            upload_id = db.session.scalar(select(Upload.id).where(Upload.token == token))
            if upload_id:
                request.photos.append(ReturnPhoto(upload_id=upload_id))
        request.events = [
            ReturnEvent(
                status=e["status"],
                actor_label=e["actor"],
                note=e["note"],
                created_at=datetime.fromisoformat(e["at"]),
            )
            for e in row["events"]
        ]
        db.session.add(request)
