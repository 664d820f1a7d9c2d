"""Shipping rules: creating parcels, recording events in time order, telling the shopper."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import url_for
from sqlalchemy import select

from storefront import Order, Scope, change_status, db, notify, scope_of, utcnow
from storefront import lazy_gettext as _l

from .carriers import NOTIFY_STATUSES, STATUS_LABELS, STATUSES, TrackingUpdate, carriers
from .models import Shipment, ShipmentItem, TrackingEvent


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
) -> Shipment:
    """A parcel for some (or all) items of an order; the order is shipped with its first."""
    if reference is None and order.status in ("pending_payment", "cancelled"):
        raise ShippingError(
            "order",
            _l(
                "Order %(number)s cannot be shipped: it is not paid or was cancelled.",
                number=order.number,
            ),
        )
    scope = Scope(order.merchant)
    carrier = carriers(scope).get(carrier_code)
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
    items = {item.id: item for item in order.items}
    wanted = quantities or {item.id: item.quantity for item in order.items}
    if not wanted or any(
        i not in items or not 0 < q <= items[i].quantity for i, q in wanted.items()
    ):
        raise ShippingError("items", _l("Choose which items are in the parcel."))
    shipment = Shipment(
        merchant_id=order.merchant_id,
        order_id=order.id,
        carrier=carrier_code,
        tracking_number=number,
        reference=reference,
        status="info_received",
    )
    shipment.items = [ShipmentItem(order_item_id=i, quantity=q) for i, q in wanted.items()]
    db.session.add(shipment)
    if order.status == "awaiting_shipment":
        change_status(order, "shipped", actor, f"{carrier_code.upper()} {number}")
    db.session.flush()
    return shipment


def record_event(shipment: Shipment, update: TrackingUpdate, source: str = "webhook") -> bool:
    """Add one event; False when this event id was already recorded (a redelivery)."""
    if update.status not in STATUSES:
        raise ShippingError("status", _l("Unknown status."))
    if update.event_id and db.session.scalar(
        select(TrackingEvent.id).where(
            TrackingEvent.shipment_id == shipment.id,
            TrackingEvent.external_id == update.event_id,
        )
    ):
        return False
    old_status, old_eta = shipment.status, shipment.eta
    event = TrackingEvent(
        shipment_id=shipment.id,
        external_id=update.event_id,
        status=update.status,
        occurred_at=update.occurred_at,
        location=update.location[:200],
        message=update.message[:2000],
        source=source,
    )
    db.session.add(event)
    db.session.flush()
    db.session.refresh(shipment, ["events"])
    latest = shipment.events[0]  # newest by the time it happened, not by arrival
    shipment.status = latest.status
    shipment.last_event_at = latest.occurred_at
    if update.eta is not None:
        shipment.eta = update.eta
    if shipment.status == "delivered" and shipment.delivered_at is None:
        shipment.delivered_at = latest.occurred_at
    shipment.alerted_at = None  # news: a later check looks at the parcel afresh
    if latest is event and shipment.status != old_status and shipment.status in NOTIFY_STATUSES:
        _tell_shopper(shipment, shipment.status)
    elif update.eta is not None and old_eta is not None and update.eta.date() != old_eta.date():
        _tell_shopper(shipment, "eta")
    _complete_when_all_delivered(shipment)
    return True


def _tell_shopper(shipment: Shipment, what: str) -> None:
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
    )


def _complete_when_all_delivered(shipment: Shipment) -> None:
    order = shipment.order
    if order.status != "shipped":
        return
    if not Scope(order.merchant).settings("tracking").get("complete_on_delivery"):
        return
    parcels = db.session.scalars(select(Shipment).where(Shipment.order_id == order.id)).all()
    if parcels and all(p.status == "delivered" for p in parcels):
        change_status(order, "completed", None, actor_label="tracking")


def delivered_at(order: Order) -> datetime | None:
    parcels = db.session.scalars(select(Shipment).where(Shipment.order_id == order.id)).all()
    if parcels and all(p.delivered_at for p in parcels):
        return max(p.delivered_at for p in parcels)
    return None


def parcel_scope(shipment: Shipment) -> Scope | None:
    """A parcel acts in the scope of its first line where tracking is on; None if there is none."""
    for line in shipment.order.items:
        if line.id in {i.order_item_id for i in shipment.items}:
            scope = scope_of(line)
            if scope.enabled("tracking"):
                return scope
    return None


def stalled_since(hours: int) -> datetime:
    return utcnow() - timedelta(hours=hours)


def needs_attention(shipment: Shipment, stalled_before: datetime, now: datetime) -> bool:
    """No news for too long, an expected day gone by, a failed attempt or an exception."""
    if shipment.status in ("delivered", "expired"):
        return False
    if shipment.status in ("exception", "attempt_fail"):
        return True
    if shipment.eta is not None and shipment.eta < now:
        return True
    return (shipment.last_event_at or shipment.created_at) < stalled_before


def check_delays(merchant, now: datetime) -> int:
    """Tell the shop's staff once about every parcel that needs attention; returns how many."""
    from storefront import notify_staff

    told = 0
    open_parcels = db.session.scalars(
        select(Shipment)
        .where(
            Shipment.merchant_id == merchant.id,
            Shipment.status.not_in(("delivered", "expired")),
            Shipment.alerted_at.is_(None),
        )
        .limit(5000)
    ).all()
    for shipment in open_parcels:
        scope = parcel_scope(shipment)
        if scope is None:
            continue
        hours = scope.settings("tracking")["stalled_hours"]
        if not needs_attention(shipment, now - timedelta(hours=hours), now):
            continue
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
        )
        told += 1
    return told
