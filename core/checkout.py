"""Checking out a cart: what the checkout page and the API's checkout do alike.

Both place the order with `place_order` (stock taken atomically, all lines or none), keep a
new delivery address for next time, and pay with the method the shopper chose. A payment
that fails leaves the order awaiting payment. A `token` (one per checkout page, or derived
from the API's Idempotency-Key) makes a second submission find the order of the first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from .dispatch import call_hook
from .extensions import db
from .models import Address, Merchant, Order, User
from .orders import CartLine, place_order
from .plugin_info import PaymentError, PaymentMethod

TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{16,64}")


@dataclass(frozen=True)
class Delivery:
    """Where an order goes, as the checkout form or the API's body gave it."""

    recipient: str
    phone: str
    line1: str
    city: str
    province: str | None = None
    postcode: str | None = None

    @classmethod
    def of(cls, address: Address) -> Delivery:
        return cls(
            address.recipient,
            address.phone,
            address.line1,
            address.city,
            address.province,
            address.postcode,
        )

    @classmethod
    def from_form(cls, form) -> Delivery:
        """From a form with the address fields (checkout, address book), validated."""
        return cls(
            recipient=form.recipient.data.strip(),
            phone=form.phone.data,
            line1=form.line1.data.strip(),
            city=form.city.data.strip(),
            province=(form.province.data or "").strip() or None,
            postcode=(form.postcode.data or "").strip() or None,
        )

    def one_line(self) -> str:
        return ", ".join(p for p in (self.line1, self.city, self.province, self.postcode) if p)


@dataclass(frozen=True)
class Placed:
    order: Order
    payment_error: str | None = None  # why paying failed; the order awaits payment


def payment_methods(merchant: Merchant) -> list[PaymentMethod]:
    """The ways to pay this shop offers (a payment plugin's, else the built-in test one)."""
    methods = call_hook("payment_methods", merchant=merchant)
    # firstresult hook: call_hook gathers each plugin's list; the first non-empty one wins
    return next((m for m in methods if m), [])


def valid_token(token: str | None) -> str | None:
    return token if token and TOKEN_SHAPE.fullmatch(token) else None


def placed_with(merchant: Merchant, user: User, token: str | None) -> Order | None:
    """The order this shopper already placed with `token` in this shop, if any."""
    if token is None:
        return None
    return db.session.scalar(
        select(Order).where(
            Order.merchant_id == merchant.id,
            Order.user_id == user.id,
            Order.checkout_token == token,
        )
    )


def remember_address(user: User, delivery: Delivery) -> None:
    """Keep a delivery address the shopper has not saved yet, to offer it next time."""
    if any(a.line1 == delivery.line1 and a.city == delivery.city for a in user.addresses):
        return
    db.session.add(
        Address(
            user_id=user.id,
            recipient=delivery.recipient,
            phone=delivery.phone,
            line1=delivery.line1,
            city=delivery.city,
            province=delivery.province,
            postcode=delivery.postcode,
        )
    )


def check_out(
    merchant: Merchant,
    user: User,
    lines: list[CartLine],
    delivery: Delivery,
    method: PaymentMethod,
    note: str | None = None,
    token: str | None = None,
) -> Placed:
    """Place the order, keep the address, pay. The caller commits (and empties its cart).

    `OrderError` (sold out, no longer sold, empty) comes out with nothing written. When a
    parallel submission with the same token got there first, its order is the answer.
    """
    try:
        order = place_order(
            merchant,
            user,
            lines,
            recipient=delivery.recipient,
            phone=delivery.phone,
            address=delivery.one_line(),
            note=note or None,
            checkout_token=token,
        )
    except IntegrityError:
        db.session.rollback()
        placed = placed_with(merchant, user, token)
        if placed is None:
            raise
        return Placed(placed)
    remember_address(user, delivery)
    try:
        method.pay(order)
    except PaymentError as exc:
        return Placed(order, str(exc))
    return Placed(order)
