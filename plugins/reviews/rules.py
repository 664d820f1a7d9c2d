"""Who may review what, what is held for moderation, and the per-product summary."""

from __future__ import annotations

import re
from datetime import timedelta

from flask import abort, g
from sqlalchemy import Select, case, func, select

from storefront import Order, OrderItem, db, reads, tenant_get, utcnow

from .models import Review, ReviewSummary

EDIT_DAYS = 30
LINK = re.compile(r"(https?://|www\.|\b[\w-]+\.(?:com|cn|net|org|shop|top)\b)", re.IGNORECASE)


def _received(user_id: int, merchant_id: int) -> Select:
    """The shopper's items of completed orders in this shop: what they may review."""
    return (
        select(OrderItem)
        .join(Order, Order.id == OrderItem.order_id)
        .where(
            Order.user_id == user_id,
            Order.merchant_id == merchant_id,
            Order.status == "completed",
            OrderItem.product_id.is_not(None),
        )
    )


def reviewable_item(user_id: int, order_item_id: int, merchant_id: int) -> OrderItem | None:
    """The shopper's own item of a completed order in this shop, or None."""
    return db.session.scalar(_received(user_id, merchant_id).where(OrderItem.id == order_item_id))


def unreviewed_items(
    user_id: int, product_id: int, merchant_id: int
) -> tuple[bool, list[OrderItem]]:
    """Whether the shopper received this product here, and its items not yet reviewed.

    Each item of a completed order may be reviewed once, oldest first.
    """
    received = _received(user_id, merchant_id).where(OrderItem.product_id == product_id)
    items = list(db.session.scalars(received.order_by(OrderItem.id)))
    ids = [item.id for item in items]
    reviewed = set(
        db.session.scalars(select(Review.order_item_id).where(Review.order_item_id.in_(ids)))
    )
    return bool(items), [item for item in items if item.id not in reviewed]


def own_review(review_id: int, user_id: int) -> Review:
    """One of the shopper's own reviews in this shop, 404 for anyone else's."""
    review = tenant_get(Review, review_id)
    if review.user_id != user_id:
        abort(404)
    return review


def note_if_no_longer_offered() -> None:
    """A page of existing reviews says so when the shop offers reviews nowhere any more.

    Off for some categories only, the reviews of those categories lose their buttons
    instead: the page as a whole is still in use.
    """
    if not g.scope.enabled_anywhere("reviews"):
        reads(g.merchant, "reviews")


def hold_reason(settings: dict, stars: int, title: str, body: str) -> str | None:
    """Why a new or edited review waits for the merchant, or None to publish it now."""
    if settings["moderation"] == "hold":
        return "moderation"
    text = f"{title}\n{body}".lower()
    if LINK.search(text):
        return "link"
    banned = [w.strip().lower() for w in settings["banned_words"].split(",")]
    if any(word and word in text for word in banned):
        return "banned_word"
    if stars <= settings["hold_low_stars"]:
        return "low_rating"
    return None


def editable(review: Review) -> bool:
    return utcnow() - review.created_at <= timedelta(days=EDIT_DAYS)


def refresh_summary(product_id: int, merchant_id: int) -> ReviewSummary:
    """Recount one product's published reviews (one indexed aggregate) into its summary row."""
    published = (Review.product_id == product_id) & (Review.status == "published")
    row = db.session.execute(
        select(
            func.count(Review.id),
            func.coalesce(func.sum(Review.stars), 0),
            *[func.count(case((Review.stars == n, 1))) for n in range(1, 6)],
            func.count(case((Review.photo_count > 0, 1))),
        ).where(published)
    ).one()
    answers: dict[str, dict[str, int]] = {}
    for answer_map in db.session.scalars(
        select(Review.answers).where(published, Review.answers.is_not(None)).limit(5000)
    ):
        for key, value in (answer_map or {}).items():
            answers.setdefault(key, {}).setdefault(value, 0)
            answers[key][value] += 1
    summary = db.session.get(ReviewSummary, product_id) or ReviewSummary(
        product_id=product_id, merchant_id=merchant_id
    )
    summary.count, summary.total = row[0], row[1]
    summary.histogram = {str(n): row[1 + n] for n in range(1, 6)}
    summary.with_photos = row[7]
    summary.answers = answers
    db.session.add(summary)
    return summary
