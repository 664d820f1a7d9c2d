"""Return rates per product and category, and the reasons behind them.

A product returned often for "wrong size" points at a misleading size guide; the
dashboard flags products above the threshold so the shop can fix the page, not the parcel.

Every query here names the merchant on the rows it adds up (orders for what was sold,
requests for what came back), not only on the products it shows: many shops share the
tables, and a sum over all of them is both slower (the smallest shop's dashboard would read
the largest shop's lines) and wrong as soon as one line points at a product of another shop.

Every figure covers a window of orders: those placed since a cutoff (the last 90 days unless
the analytics page asks for another period). A size guide fixed last month should show in
the rate, and the dashboard must not read every line the shop ever sold on each visit; the
index on order(merchant_id, created_at) finds the window's orders. Units sold and units
returned count the same orders (a return belongs to the window of the order it came from,
not to the day it was asked for), so a rate never sets old returns against recent sales.

PostgreSQL sums into NUMERIC (Decimal) where SQLite gives int or float: every count leaves
here as an int and every rate as a float, computed in Python from those ints.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import NamedTuple

from sqlalchemy import ColumnElement, Select, Subquery, func, select

from storefront import Category, Order, OrderItem, Product, db, utcnow
from storefront import lazy_gettext as _l

from .models import ReturnItem, ReturnRequest

FLAG_PERCENT = 20  # returned units per 100 sold; whole numbers, so the SQL compares exactly
FLAG_MIN_SOLD = 5
FLAGGED_SHOWN = 3
DEFAULT_DAYS = 90
SOLD_STATES = ("shipped", "completed")
NOT_COUNTED_REQUESTS = ("rejected", "cancelled")
PERIODS: dict[str, int | None] = {"30": 30, "90": 90, "365": 365, "all": None}
PERIOD_LABELS = {
    "30": _l("30 days"),
    "90": _l("90 days"),
    "365": _l("1 year"),
    "all": _l("All"),
}


class ProductRate(NamedTuple):
    name: str
    slug: str
    category: str
    sold: int
    returned: int
    rate: float


class CategoryRate(NamedTuple):
    name: str
    sold: int
    returned: int
    rate: float


def window_start(days: int | None) -> datetime | None:
    """The earliest order date counted, or None for every order the shop ever had."""
    return None if days is None else utcnow() - timedelta(days=days)


def _counted_orders(merchant_id: int, since: datetime | None) -> list[ColumnElement[bool]]:
    """Which orders a figure counts: the shop's own, sent out, placed in the window.

    Sold and returned units both filter on these, which is what keeps their window the same.
    """
    conditions = [Order.merchant_id == merchant_id, Order.status.in_(SOLD_STATES)]
    if since is not None:
        conditions.append(Order.created_at >= since)
    return conditions


def _sold(merchant_id: int, since: datetime | None) -> Subquery:
    """Units per product in the shop's shipped or completed orders of the window."""
    return (
        select(OrderItem.product_id, func.sum(OrderItem.quantity).label("sold"))
        .join(Order, Order.id == OrderItem.order_id)
        .where(*_counted_orders(merchant_id, since))
        .group_by(OrderItem.product_id)
        .subquery()
    )


def _returned(merchant_id: int, since: datetime | None) -> Subquery:
    """Units per product sent back from those same orders, in requests not turned down."""
    return (
        select(OrderItem.product_id, func.sum(ReturnItem.quantity).label("returned"))
        .join(ReturnItem, ReturnItem.order_item_id == OrderItem.id)
        .join(ReturnRequest, ReturnRequest.id == ReturnItem.request_id)
        .join(Order, Order.id == OrderItem.order_id)
        .where(
            ReturnRequest.merchant_id == merchant_id,
            ReturnRequest.status.not_in(NOT_COUNTED_REQUESTS),
            *_counted_orders(merchant_id, since),
        )
        .group_by(OrderItem.product_id)
        .subquery()
    )


def _product_select(merchant_id: int, since: datetime | None, flagged_only: bool) -> Select:
    """Products with sales in the window, highest return rate first.

    With `flagged_only` the threshold is applied in SQL, before the limit: a long tail of
    products sold once and returned once must not push a real problem off the card.
    """
    sold, returned = _sold(merchant_id, since), _returned(merchant_id, since)
    units_back = func.coalesce(returned.c.returned, 0)
    query = (
        select(Product.name, Product.slug, Category.name, sold.c.sold, units_back)
        .join(sold, sold.c.product_id == Product.id)
        .join(Category, Category.id == Product.category_id)
        .outerjoin(returned, returned.c.product_id == Product.id)
        .where(Product.merchant_id == merchant_id)
        .order_by((units_back * 1.0 / sold.c.sold).desc(), Product.name)
    )
    if flagged_only:
        query = query.where(
            sold.c.sold >= FLAG_MIN_SOLD, units_back * 100 >= sold.c.sold * FLAG_PERCENT
        )
    return query


def _rate(returned: int, sold: int) -> float:
    return returned / sold if sold else 0.0


def product_rates(
    merchant_id: int, days: int | None = DEFAULT_DAYS, limit: int = 50, flagged_only: bool = False
) -> list[ProductRate]:
    """Per product: sold and returned units of the last `days` days' orders, and the rate."""
    rows = db.session.execute(
        _product_select(merchant_id, window_start(days), flagged_only).limit(limit)
    ).all()
    return [
        ProductRate(name, slug, category, int(s), int(r), _rate(int(r), int(s)))
        for name, slug, category, s, r in rows
    ]


def category_rates(merchant_id: int, days: int | None = DEFAULT_DAYS) -> list[CategoryRate]:
    """Per category of the shop, by name: sold and returned units of the window, and the rate."""
    since = window_start(days)
    sold, returned = _sold(merchant_id, since), _returned(merchant_id, since)
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
    return [
        CategoryRate(name, int(s or 0), int(r or 0), _rate(int(r or 0), int(s or 0)))
        for name, s, r in rows
    ]


def top_reasons(merchant_id: int, days: int | None = DEFAULT_DAYS) -> list[tuple[str, int]]:
    """(reason code, requests) for the window's orders, most frequent first."""
    count = func.count(ReturnRequest.id)
    orders = _counted_orders(merchant_id, window_start(days))
    rows = db.session.execute(
        select(ReturnRequest.reason, count)
        .join(Order, Order.id == ReturnRequest.order_id)
        .where(ReturnRequest.merchant_id == merchant_id, *orders)
        .group_by(ReturnRequest.reason)
        .order_by(count.desc(), ReturnRequest.reason)
    ).all()
    return [(reason, int(n)) for reason, n in rows]


def flagged_products(merchant_id: int, days: int = DEFAULT_DAYS) -> list[ProductRate]:
    """Up to three products sold often enough and returned often enough to check their page."""
    return product_rates(merchant_id, days, limit=FLAGGED_SHOWN, flagged_only=True)
