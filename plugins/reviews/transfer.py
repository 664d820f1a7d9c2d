"""Moving a shop's reviews between installations, by order number, SKU and email."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select

from storefront import Order, OrderItem, Upload, User, db

from .models import Review, ReviewPhoto
from .photos import settle_photos, uploads_of
from .rules import refresh_summary

FIELDS = (
    "stars",
    "title",
    "body",
    "answers",
    "status",
    "hold_reason",
    "helpful_count",
    "reply",
    "note",
    "follow_up",
)


def export_rows(merchant) -> dict[str, Any]:
    reviews = db.session.scalars(select(Review).where(Review.merchant_id == merchant.id))
    return {
        "reviews": [
            {
                **{f: getattr(r, f) for f in FIELDS},
                "order": r.order_item.order.number,
                "sku": r.order_item.sku,
                "user": r.user.email,
                "created_at": r.created_at.isoformat(),
                "photos": [p.upload.token for p in r.photos],
            }
            for r in reviews
        ]
    }


def import_rows(merchant, data: dict[str, Any] | None) -> None:
    touched = set()
    imported = []
    for row in (data or {}).get("reviews", []):
        item = db.session.scalar(
            select(OrderItem)
            .join(Order, Order.id == OrderItem.order_id)
            .where(
                Order.merchant_id == merchant.id,
                Order.number == row["order"],
                OrderItem.sku == row["sku"],
            )
        )
        user_id = db.session.scalar(select(User.id).where(User.email == row["user"]))
        if item is None or user_id is None or item.product_id is None:
            continue
        review = Review(
            merchant_id=merchant.id,
            product_id=item.product_id,
            order_item_id=item.id,
            user_id=user_id,
            created_at=datetime.fromisoformat(row["created_at"]),
            **{f: row.get(f) for f in FIELDS},
        )
        for position, token in enumerate(row.get("photos", [])):
            upload_id = db.session.scalar(select(Upload.id).where(Upload.token == token))
            if upload_id:
                review.photos.append(ReviewPhoto(upload_id=upload_id, position=position))
        review.photo_count = len(review.photos)
        db.session.add(review)
        imported.append(review)
        touched.add(item.product_id)
    db.session.flush()
    # An export made before photos followed their review's status has them all public.
    settle_photos(upload for review in imported for upload in uploads_of(review))
    for product_id in touched:
        refresh_summary(product_id, merchant.id)
