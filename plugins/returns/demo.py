"""Demo returns in several states, on lines of completed orders where returns are on."""

from __future__ import annotations

from sqlalchemy import select

from storefront import Order, db, lines_where

from .flow import move, record
from .models import ReturnItem, ReturnRequest
from .policy import new_rma

# (reason, description in English, in Chinese, steps after the request)
STORIES = [
    ("not_as_described", "Darker than in the photos.", "颜色比图片深。", []),
    ("wrong_size", "Too small, I need the next size.", "偏小，想换大一码。", ["approved"]),
    (
        "quality",
        "A seam came loose.",
        "有一处开线。",
        ["approved", "shipped_back", "received", "refunded"],
    ),
]


def first_returnable_lines(orders):
    """Each order with its first line where returns are on; orders without one are skipped."""
    for order in orders:
        lines = lines_where("returns", order)
        if lines:
            yield order, lines[0]


def seed(merchant) -> None:
    orders = db.session.scalars(
        select(Order)
        .where(Order.merchant_id == merchant.id, Order.status == "completed")
        .order_by(Order.id)
    ).all()
    stories = zip(STORIES, first_returnable_lines(orders), strict=False)
    for (reason, english, chinese, steps), (order, item) in stories:
        request = ReturnRequest(
            merchant_id=merchant.id,
            order_id=order.id,
            user_id=order.user_id,
            rma=new_rma(),
            kind="refund",
            reason=reason,
            description=chinese if merchant.locale == "zh_CN" else english,
            shipping_paid_by="shop" if reason != "wrong_size" else "shopper",
            refund_minor=item.unit_price_minor if "refunded" in steps else None,
            items=[ReturnItem(order_item_id=item.id, quantity=1)],
        )
        record(request, "requested", order.user.name)
        db.session.add(request)
        db.session.flush()
        for step in steps:
            move(request, step, "demo")
