"""Demo returns in several states, on the demo shops' completed orders."""

from __future__ import annotations

from sqlalchemy import select

from storefront import Order, db

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


def seed(merchant) -> None:
    orders = db.session.scalars(
        select(Order)
        .where(Order.merchant_id == merchant.id, Order.status == "completed")
        .order_by(Order.id)
    ).all()
    for order, (reason, english, chinese, steps) in zip(orders, STORIES, strict=False):
        item = order.items[0]
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
