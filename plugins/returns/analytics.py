"""Return rates per product and category, and the reasons behind them.

A product returned often for "wrong size" points at a misleading size guide; the
dashboard flags products above the threshold so the shop can fix the page, not the parcel.

Every query here names the merchant on the rows it adds up (orders for what was sold,
requests for what came back), not only on the products it shows: many shops share the
tables, and a sum over all of them is both slower (the smallest shop's dashboard would read
the largest shop's lines) and wrong as soon as one line points at a product of another shop.
"""

from __future__ import annotations

from sqlalchemy import Subquery, func, select

from storefront import Category, Order, OrderItem, Product, db

from .models import ReturnItem, ReturnRequest

FLAG_RATE = 0.2
FLAG_MIN_SOLD = 5


def _sold(merchant_id: int) -> Subquery:
    """Units per product in the shop's own shipped or completed orders."""
    return (
        select(OrderItem.product_id, func.sum(OrderItem.quantity).label("sold"))
        .join(Order, Order.id == OrderItem.order_id)
        .where(Order.merchant_id == merchant_id, Order.status.in_(("shipped", "completed")))
        .group_by(OrderItem.product_id)
        .subquery()
    )


def _returned(merchant_id: int) -> Subquery:
    """Units per product in the shop's own return requests that were not turned down."""
    return (
        select(OrderItem.product_id, func.sum(ReturnItem.quantity).label("returned"))
        .join(ReturnItem, ReturnItem.order_item_id == OrderItem.id)
        .join(ReturnRequest, ReturnRequest.id == ReturnItem.request_id)
        .where(
            ReturnRequest.merchant_id == merchant_id,
            ReturnRequest.status.not_in(("rejected", "cancelled")),
        )
        .group_by(OrderItem.product_id)
        .subquery()
    )


def product_rates(merchant_id: int, limit: int = 50) -> list[tuple]:
    """(product name, slug, category name, sold, returned, rate), highest rate first."""
    sold, returned = _sold(merchant_id), _returned(merchant_id)
    rate = func.coalesce(returned.c.returned, 0) * 1.0 / sold.c.sold
    rows = db.session.execute(
        select(
            Product.name,
            Product.slug,
            Category.name,
            sold.c.sold,
            func.coalesce(returned.c.returned, 0),
            rate,
        )
        .join(sold, sold.c.product_id == Product.id)
        .join(Category, Category.id == Product.category_id)
        .outerjoin(returned, returned.c.product_id == Product.id)
        .where(Product.merchant_id == merchant_id)
        .order_by(rate.desc(), Product.name)
        .limit(limit)
    ).all()
    return [tuple(r) for r in rows]


def category_rates(merchant_id: int) -> list[tuple]:
    """(category name, sold, returned, rate) per category of the shop, by name."""
    sold, returned = _sold(merchant_id), _returned(merchant_id)
    rows = db.session.execute(
        select(
            Category.name, func.sum(sold.c.sold), func.coalesce(func.sum(returned.c.returned), 0)
        )
        .join(Product, Product.category_id == Category.id)
        .join(sold, sold.c.product_id == Product.id)
        .outerjoin(returned, returned.c.product_id == Product.id)
        .where(Category.merchant_id == merchant_id)
        .group_by(Category.id, Category.name)
        .order_by(Category.name)
    ).all()
    # PostgreSQL sums into NUMERIC (Decimal): whole numbers first, so the rate is a float
    counts = [(name, int(s or 0), int(r or 0)) for name, s, r in rows]
    return [(name, s, r, (r / s) if s else 0.0) for name, s, r in counts]


def top_reasons(merchant_id: int) -> list[tuple[str, int]]:
    """(reason code, requests) of the shop's return requests, most frequent first."""
    return [
        tuple(r)
        for r in db.session.execute(
            select(ReturnRequest.reason, func.count(ReturnRequest.id))
            .where(ReturnRequest.merchant_id == merchant_id)
            .group_by(ReturnRequest.reason)
            .order_by(func.count(ReturnRequest.id).desc())
        )
    ]


def flagged_products(merchant_id: int) -> list[tuple]:
    """Up to three products sold often enough and returned often enough to check their page."""
    return [
        row
        for row in product_rates(merchant_id, limit=20)
        if row[3] >= FLAG_MIN_SOLD and row[5] >= FLAG_RATE
    ][:3]
