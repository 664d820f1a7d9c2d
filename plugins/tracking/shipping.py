"""Shipping rules: creating parcels, recording events in time order, telling the shopper."""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from flask import url_for
from sqlalchemy import Select, select
from sqlalchemy.orm import joinedload, selectinload

from storefront import (
    Order,
    OrderItem,
    Product,
    Scope,
    change_status,
    db,
    lines_where,
    notify,
    notify_staff,
    scope_of,
)
from storefront import lazy_gettext as _l

from .carriers import NOTIFY_STATUSES, STATUS_LABELS, STATUSES, TrackingUpdate, carriers
from .models import EVENT_ID_LENGTH, Shipment, ShipmentItem, TrackingEvent
from .queries import needs_attention, silence_limits


class ShippingError(ValueError):
    """Bad input for a shipment; `field` names the form field or JSON key at fault."""

    def __init__(self, field: str, message) -> None:
        super().__init__(str(message))
        self.field = field


def _order_link(order: Order) -> str:
    return url_for("shop.order_detail", merchant=order.merchant.slug, number=order.number)


def create_shipment(
    order: Order,
    carrier_code: str,
    number: str,
    quantities: dict[int, int] | None,
    actor,
    reference: str | None = None,
    eta: datetime | None = None,
) -> Shipment:
    """A parcel for some (or all) tracked items of an order; the order ships with its first.

    Only lines where tracking is on can go in a parcel; without `quantities` the parcel
    holds all of those. `eta` is the day the shop expects it delivered, until a carrier
    event says otherwise.
    """
    if reference is None and order.status in ("pending_payment", "cancelled"):
        raise ShippingError(
            "order",
            _l(
                "Order %(number)s cannot be shipped: it is not paid or was cancelled.",
                number=order.number,
            ),
        )
    carrier = carriers(Scope(order.merchant)).get(carrier_code)
    if carrier is None:
        raise ShippingError("carrier", _l("Choose a carrier from the list."))
    number = (number or "").strip().upper() if carrier_code != "manual" else (number or "").strip()
    if not carrier.valid(number):
        raise ShippingError(
            "tracking_number",
            _l("This is not a %(carrier)s tracking number.", carrier=carrier.name),
        )
    duplicate = db.session.scalar(
        select(Shipment.id).where(
            Shipment.merchant_id == order.merchant_id,
            Shipment.carrier == carrier_code,
            Shipment.tracking_number == number,
        )
    )
    if duplicate:
        raise ShippingError("tracking_number", _l("This tracking number is already in use."))
    wanted = parcel_contents(order, quantities)
    shipment = Shipment(
        merchant_id=order.merchant_id,
        order_id=order.id,
        carrier=carrier_code,
        tracking_number=number,
        reference=reference,
        status="info_received",
        eta=eta,
    )
    shipment.items = [ShipmentItem(order_item_id=i, quantity=q) for i, q in wanted.items()]
    db.session.add(shipment)
    if order.status == "awaiting_shipment":
        change_status(order, "shipped", actor, f"{carrier_code.upper()} {number}")
    db.session.flush()
    return shipment


def parcel_contents(order: Order, quantities: dict[int, int] | None) -> dict[int, int]:
    """Quantity per line id of a new parcel, checked against the lines tracking serves."""
    lines = {line.id: line for line in lines_where("tracking", order)}
    if not lines:
        raise ShippingError(
            "items",
            _l("Shipment tracking is off for every item of order %(number)s.", number=order.number),
        )
    items = {item.id: item for item in order.items}
    wanted = quantities or {line.id: line.quantity for line in lines.values()}
    for line_id, quantity in wanted.items():
        if line_id in items and line_id not in lines:
            raise ShippingError(
                "items",
                _l(
                    "%(item)s cannot go in a parcel: shipment tracking is off for it.",
                    item=items[line_id].product_name,
                ),
            )
        if line_id not in lines or not 0 < quantity <= lines[line_id].quantity:
            raise ShippingError("items", _l("Choose which items are in the parcel."))
    return wanted


def redelivery(shipment_id: int, event_id: str) -> Select:
    """The event already recorded under this id, looked up in the `uq_tracking_event_ext`
    index (shipment, event id): one index probe, however many events the parcel has."""
    return select(TrackingEvent.id).where(
        TrackingEvent.shipment_id == shipment_id, TrackingEvent.external_id == event_id
    )


def record_event(shipment: Shipment, update: TrackingUpdate, source: str = "webhook") -> bool:
    """Add one event; False when this event id was already recorded (a redelivery).

    Every event goes in the timeline. The parcel's status and ETA follow its newest event
    by the time it happened, whatever order events arrive in, except that delivered is
    final: once a delivery scan is in (whenever it happened; `delivered_at` is the
    earliest), the parcel stays delivered. An event older than the newest moves neither
    status nor ETA, and is no news for the delay check either.

    One event costs the same however long the parcel's history: the redelivery check is a
    lookup in the (shipment, event id) unique index, and the parcel's status and last news
    move from what the parcel row already holds (`last_event_at`, the time of its newest
    event), so the history is never read.
    """
    if update.status not in STATUSES:
        raise ShippingError("status", _l("Unknown status."))
    if update.event_id and len(update.event_id) > EVENT_ID_LENGTH:
        # From a carrier's own parser: refused whole, as the webhook refuses it.
        raise ShippingError(
            "id",
            _l("The event id is longer than %(limit)d characters.", limit=EVENT_ID_LENGTH),
        )
    if update.event_id and db.session.scalar(redelivery(shipment.id, update.event_id)):
        return False
    old_status, old_eta = shipment.status, shipment.eta
    db.session.add(
        TrackingEvent(
            shipment_id=shipment.id,
            external_id=update.event_id,
            status=update.status,
            occurred_at=update.occurred_at,
            location=update.location[:200],
            message=update.message[:2000],
            source=source,
        )
    )
    # Newest by the time it happened, not by arrival; a tie goes to the later arrival.
    newest = shipment.last_event_at is None or update.occurred_at >= shipment.last_event_at
    if update.status == "delivered" and (
        shipment.delivered_at is None or update.occurred_at < shipment.delivered_at
    ):
        shipment.delivered_at = update.occurred_at  # the first delivery scan
    if newest:
        shipment.last_event_at = update.occurred_at
        shipment.alerted_at = None  # news: a later check looks at the parcel afresh
    if old_status == "delivered" or update.status == "delivered":
        # Final, whenever its scan arrives: later news (an exception, a scan out of order)
        # goes in the timeline, but neither moves the parcel back nor reaches the shopper.
        shipment.status = "delivered"
    elif newest:
        shipment.status = update.status
        if update.eta is not None:
            shipment.eta = update.eta
    db.session.flush()
    if shipment.status != old_status and shipment.status in NOTIFY_STATUSES:
        _tell_shopper(shipment, shipment.status)
    elif shipment.eta is not None and old_eta is not None and shipment.eta.date() != old_eta.date():
        _tell_shopper(shipment, "eta")
    _complete_when_all_delivered(shipment)
    return True


def _tell_shopper(shipment: Shipment, what: str) -> None:
    """News about a parcel, for parcels tracking still serves a line of."""
    if parcel_scope(shipment) is None:
        return
    order = shipment.order
    if what == "eta":
        title = _l("Order %(number)s: new delivery date", number=order.number)
        body = _l("Your parcel is now expected on %(day)s.", day=shipment.eta.date().isoformat())
    else:
        title = _l("Order %(number)s: %(status)s", number=order.number, status=STATUS_LABELS[what])
        body = _l("Parcel %(number)s", number=shipment.tracking_number)
    notify(
        order.user,
        title,
        body,
        link=_order_link(order),
        merchant=order.merchant,
        kind=f"tracking.{what}",
        about=shipment,
    )


def parcels_of(order: Order, timeline: bool = True) -> list[Shipment]:
    """The order's parcels, with their events for the timelines (one query for all).

    `timeline=False` leaves the events unread, for rules that need only a parcel's
    status and contents: a parcel's history grows with every carrier event.
    """
    query = select(Shipment).where(Shipment.order_id == order.id).order_by(Shipment.id)
    if timeline:
        query = query.options(selectinload(Shipment.events))
    return db.session.scalars(query).all()


def holding(parcels: list[Shipment], lines: list[OrderItem]) -> list[Shipment]:
    """The parcels with at least one of these lines in them."""
    wanted = {line.id for line in lines}
    return [p for p in parcels if any(i.order_item_id in wanted for i in p.items)]


def arrived_at(lines: list[OrderItem], parcels: list[Shipment]) -> datetime | None:
    """When the last of these lines arrived whole, or None while any part of one has not.

    Only parcels holding one of the lines count; a line split over parcels has arrived
    when the delivered parcels hold its whole quantity.
    """
    found = holding(parcels, lines)
    if not found or any(p.delivered_at is None for p in found):
        return None
    delivered: Counter[int] = Counter()
    for parcel in found:
        for item in parcel.items:
            delivered[item.order_item_id] += item.quantity
    if any(delivered[line.id] < line.quantity for line in lines):
        return None
    return max(p.delivered_at for p in found)


def _complete_when_all_delivered(shipment: Shipment) -> None:
    """Complete a shipped order once all of it has arrived, where every line's scope wants it.

    A line tracking does not serve is never in a parcel, so such an order waits for the
    merchant to complete it. Only news of a delivered parcel can finish an order, so other
    news costs no look at the order's lines and parcels.
    """
    if shipment.status != "delivered":
        return
    order = shipment.order
    if order.status != "shipped":
        return
    scopes = [scope_of(line) for line in order.items]
    if not all(
        s.enabled("tracking") and s.settings("tracking")["complete_on_delivery"] for s in scopes
    ):
        return
    if arrived_at(order.items, parcels_of(order, timeline=False)) is not None:
        change_status(order, "completed", None, actor_label="tracking")


def delivered_at(order: Order, lines: list[OrderItem]) -> datetime | None:
    """When the order's lines that tracking serves were all delivered, or None."""
    return arrived_at(lines, parcels_of(order, timeline=False))


def parcel_scope(shipment: Shipment) -> Scope | None:
    """The scope a parcel acts in (see `Shipment.scope_subject`); None where tracking is off."""
    scope = scope_of(shipment)
    return scope if scope.enabled("tracking") else None


def check_delays(merchant, now: datetime) -> int:
    """Tell the shop's staff once about every parcel that needs attention; returns how many.

    The database picks the parcels, each judged in its own scope, so the worker reads only
    those it reports, with what the message names loaded alongside.
    """
    told = 0
    late = db.session.scalars(
        select(Shipment)
        .where(
            Shipment.merchant_id == merchant.id,
            Shipment.alerted_at.is_(None),
            needs_attention(silence_limits(merchant), now),
        )
        .options(
            joinedload(Shipment.order),
            selectinload(Shipment.items)
            .joinedload(ShipmentItem.order_item)
            .joinedload(OrderItem.product)
            .joinedload(Product.category),
        )
        .limit(5000)
    ).all()
    for shipment in late:
        shipment.alerted_at = now
        notify_staff(
            merchant,
            _l(
                "Parcel %(number)s of order %(order)s needs attention",
                number=shipment.tracking_number,
                order=shipment.order.number,
            ),
            STATUS_LABELS[shipment.status],
            link=url_for(
                "admin.order_detail", merchant=merchant.slug, number=shipment.order.number
            ),
            kind="tracking.delayed",
            about=shipment,
        )
        told += 1
    return told
