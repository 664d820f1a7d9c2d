"""Placing orders and moving them through their lifecycle, with history and events."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from .events import emit
from .extensions import db
from .models import Merchant, Order, OrderItem, OrderStatusChange, User, Variant, utcnow

NUMBER_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # no 0/O, 1/I/L: read aloud on the phone


class OrderError(Exception):
    """A business rule stopped the action; the message is shown as it is."""


@dataclass(frozen=True)
class CartLine:
    variant_id: int
    quantity: int


def new_order_number(merchant: Merchant) -> str:
    today = utcnow().strftime("%Y%m%d")
    for _ in range(20):
        suffix = "".join(secrets.choice(NUMBER_ALPHABET) for _ in range(5))
        number = f"{today}-{suffix}"
        exists = db.session.scalar(
            select(Order.id).where(Order.merchant_id == merchant.id, Order.number == number)
        )
        if exists is None:
            return number
    raise OrderError("could not allocate an order number")


def take_stock(variant_id: int, quantity: int) -> bool:
    """Atomically decrement stock; False when not enough is left (no oversell under races)."""
    result = db.session.execute(
        update(Variant)
        .where(Variant.id == variant_id, Variant.stock >= quantity)
        .values(stock=Variant.stock - quantity)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def return_stock(variant_id: int, quantity: int) -> None:
    db.session.execute(
        update(Variant)
        .where(Variant.id == variant_id)
        .values(stock=Variant.stock + quantity)
        .execution_options(synchronize_session=False)
    )


def record_status(
    order: Order,
    old: str | None,
    new: str,
    actor: User | None,
    note: str | None,
    actor_label: str | None = None,
) -> None:
    order.history.append(
        OrderStatusChange(
            old_status=old,
            new_status=new,
            actor_id=actor.id if actor else None,
            actor_label=actor_label or (actor.name if actor else "system"),
            note=note,
        )
    )


def place_order(
    merchant: Merchant,
    user: User,
    lines: list[CartLine],
    recipient: str,
    phone: str,
    address: str,
    note: str | None = None,
    checkout_token: str | None = None,
) -> Order:
    """Create an order and take its stock in one transaction; all lines or nothing.

    With a `checkout_token` a second order with the same token fails on the flush
    (IntegrityError): the caller answers with the order the first one placed.
    """
    if not lines:
        raise OrderError(_l("Your cart is empty."))
    variants = {
        v.id: v
        for v in db.session.scalars(
            select(Variant).where(Variant.id.in_([line.variant_id for line in lines]))
        )
    }
    order = Order(
        merchant_id=merchant.id,
        user_id=user.id,
        number=new_order_number(merchant),
        status="pending_payment",
        currency=merchant.currency,
        recipient=recipient,
        phone=phone,
        address=address,
        note=note,
        checkout_token=checkout_token,
    )
    total = 0
    for line in lines:
        variant = variants.get(line.variant_id)
        if (
            variant is None
            or variant.product.merchant_id != merchant.id
            or not variant.product.active
        ):
            db.session.rollback()
            raise OrderError(_l("An item in your cart is no longer sold."))
        if line.quantity < 1:
            db.session.rollback()
            raise OrderError(_l("Quantities must be at least 1."))
        if not take_stock(variant.id, line.quantity):
            name = variant.product.name
            db.session.rollback()
            raise OrderError(
                _l("Sorry, %(name)s (%(label)s) sold out.", name=name, label=variant.label)
            )
        price = variant.effective_price
        total += price * line.quantity
        order.items.append(
            OrderItem(
                product_id=variant.product_id,
                variant_id=variant.id,
                product_name=variant.product.name,
                sku=variant.sku,
                size=variant.size,
                colour=variant.colour,
                quantity=line.quantity,
                unit_price_minor=price,
            )
        )
    order.total_minor = total
    db.session.add(order)
    record_status(order, None, "pending_payment", user, None)
    db.session.flush()
    emit("order_placed", merchant=merchant, order=order)
    return order


def change_status(
    order: Order,
    new: str,
    actor: User | None,
    note: str | None = None,
    actor_label: str | None = None,
) -> None:
    """Move an order along the lifecycle; refuses transitions the lifecycle does not allow."""
    old = order.status
    if not order.can_become(new):
        raise OrderError(
            _l(
                "An order that is %(old)s cannot become %(new)s.",
                old=status_label(old),
                new=status_label(new),
            )
        )
    order.status = new
    if new == "cancelled":
        for item in order.items:
            if item.variant_id:
                return_stock(item.variant_id, item.quantity)
    record_status(order, old, new, actor, note, actor_label)
    emit("order_status_changed", merchant=order.merchant, order=order, old=old, new=new)


def mark_paid(order: Order, method: str) -> None:
    order.payment_method = method
    order.paid_at = utcnow()
    change_status(order, "awaiting_shipment", order.user, actor_label="payment")


STATUS_LABELS = {
    "pending_payment": _l("Awaiting payment"),
    "awaiting_shipment": _l("Awaiting shipment"),
    "shipped": _l("Shipped"),
    "completed": _l("Completed"),
    "cancelled": _l("Cancelled"),
}


def status_label(status: str) -> str:
    return str(STATUS_LABELS.get(status, status))
