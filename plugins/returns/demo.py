"""A demo return waiting for the merchant on one completed order."""

from __future__ import annotations

from sqlalchemy import select

from storefront import Order, db

from .flow import record
from .models import ReturnItem, ReturnRequest
from .policy import new_rma


def seed(merchant) -> None:
    order = db.session.scalar(
        select(Order)
        .where(Order.merchant_id == merchant.id, Order.status == "completed")
        .order_by(Order.id)
    )
    if order is None:
        return
    item = order.items[0]
    request = ReturnRequest(
        merchant_id=merchant.id,
        order_id=order.id,
        user_id=order.user_id,
        rma=new_rma(),
        kind="refund",
        reason="not_as_described",
        description="颜色比图片深。"
        if merchant.locale == "zh_CN"
        else "Darker than in the photos.",
        shipping_paid_by="shop",
        items=[ReturnItem(order_item_id=item.id, quantity=1)],
    )
    record(request, "requested", order.user.name)
    db.session.add(request)
