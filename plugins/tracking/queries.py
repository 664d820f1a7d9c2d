"""Which parcels need attention, decided by the database in each parcel's own scope.

A parcel acts in the scope of its first line where tracking is on (`Shipment.scope_subject`),
and that scope says how long it may go without news (`stalled_hours`). The thresholds of
every category are read once per call and compared in SQL, so the shipments list, the
dashboard and the worker agree, and no parcel costs a query or a settings look-up.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, case, false, func, literal, or_, select

from storefront import Category, OrderItem, Product, Scope, db, tenant_select, utcnow

from .models import Shipment, ShipmentItem

PROBLEMS = ("exception", "attempt_fail")
CLOSED = ("delivered", "expired")
Limits = dict[int | None, int]  # category id (None: a line whose product is gone) -> hours


def silence_limits(merchant) -> Limits:
    """`stalled_hours` wherever tracking is on in the shop, by category, in one query.

    A line whose product was deleted is in the shop-wide scope, so None holds that one.
    """
    shop = Scope(merchant)
    places = [None, *db.session.scalars(tenant_select(Category, merchant))]
    limits: Limits = {}
    for category in places:
        scope = shop.for_category(category)
        if scope.enabled("tracking"):
            limits[category.id if category else None] = scope.settings("tracking")["stalled_hours"]
    return limits


def _tracked_line(limits: Limits) -> ColumnElement[bool]:
    ids = [category_id for category_id in limits if category_id is not None]
    condition = Product.category_id.in_(ids)
    if None in limits:
        condition = or_(condition, OrderItem.product_id.is_(None))
    return condition


def _first_line_limit(limits: Limits):
    """Per parcel: the hours allowed by its first line where tracking is on (NULL: none)."""
    by_category = {category_id: h for category_id, h in limits.items() if category_id is not None}
    hours = (
        case(by_category, value=Product.category_id, else_=limits.get(None))
        if by_category
        else literal(limits[None])
    )
    return (
        select(hours)
        .select_from(ShipmentItem)
        .join(OrderItem, OrderItem.id == ShipmentItem.order_item_id)
        .outerjoin(Product, Product.id == OrderItem.product_id)
        .where(ShipmentItem.shipment_id == Shipment.id, _tracked_line(limits))
        .order_by(ShipmentItem.order_item_id)
        .limit(1)
        .correlate(Shipment)
        .scalar_subquery()
    )


def silent_before(since: datetime) -> ColumnElement[bool]:
    """No news since `since`: the last event, or the parcel's creation when it has none."""
    return or_(
        Shipment.last_event_at < since,
        Shipment.last_event_at.is_(None) & (Shipment.created_at < since),
    )


def stalled(limits: Limits, now: datetime) -> ColumnElement[bool]:
    """Open and silent for longer than its own scope allows (tracked parcels only)."""
    if not limits:
        return false()
    allowed = _first_line_limit(limits)
    by_limit = [
        and_(allowed == hours, silent_before(now - timedelta(hours=hours)))
        for hours in sorted(set(limits.values()))
    ]
    return and_(Shipment.status.not_in(CLOSED), or_(*by_limit))


def needs_attention(limits: Limits, now: datetime) -> ColumnElement[bool]:
    """A tracked, open parcel that failed, is past its expected day or has gone silent."""
    if not limits:
        return false()
    tracked = _first_line_limit(limits).is_not(None)
    trouble = or_(Shipment.status.in_(PROBLEMS), Shipment.eta < now)
    return or_(and_(tracked, Shipment.status.not_in(CLOSED), trouble), stalled(limits, now))


def delayed_among(merchant, ids: list[int], now: datetime | None = None) -> set[int]:
    """Which of these parcels are late: open and past their expected day, or silent for
    longer than their own scope allows (one query, however many parcels)."""
    if not ids:
        return set()
    now = now or utcnow()
    late = or_(
        and_(Shipment.status.not_in(CLOSED), Shipment.eta < now),
        stalled(silence_limits(merchant), now),
    )
    return set(db.session.scalars(select(Shipment.id).where(Shipment.id.in_(ids), late)))


def common_limit(limits: Limits) -> int | None:
    """The one threshold every tracked category shares, or None when they differ."""
    values = set(limits.values())
    return values.pop() if len(values) == 1 else None


def counters(merchant, now: datetime | None = None) -> dict[str, int]:
    """Parcels on their way, with a problem and without news, in one query."""
    late = stalled(silence_limits(merchant), now or utcnow())
    row = db.session.execute(
        select(
            func.count(Shipment.id).filter(Shipment.status.in_(("in_transit", "out_for_delivery"))),
            func.count(Shipment.id).filter(Shipment.status.in_(PROBLEMS)),
            func.count(Shipment.id).filter(late),
        ).where(Shipment.merchant_id == merchant.id)
    ).one()
    return {"in_transit": row[0], "exceptions": row[1], "delayed": row[2]}
