"""The shopping cart, kept in the signed session cookie per merchant (guests can shop too)."""

from __future__ import annotations

from dataclasses import dataclass

from flask import session
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from .extensions import db
from .inputs import parse_id
from .models import Merchant, Product, Variant
from .orders import CartLine

MAX_QUANTITY = 20


@dataclass
class CartRow:
    variant: Variant
    quantity: int

    @property
    def line_total(self) -> int:
        return self.variant.effective_price * self.quantity


def _key(merchant: Merchant) -> str:
    return f"cart-{merchant.id}"


def raw(merchant: Merchant) -> dict[str, int]:
    """The cart's lines; anything a variant id or quantity cannot be is dropped.

    The cookie is signed, but an older version or a bug may have stored a line no query
    can look up (an id past the column's range would break /cart for that browser).
    """
    stored = session.get(_key(merchant), {})
    if not isinstance(stored, dict):
        return {}
    return {
        key: quantity
        for key, quantity in stored.items()
        if parse_id(key) is not None
        and isinstance(quantity, int)
        and not isinstance(quantity, bool)
        and 0 < quantity <= MAX_QUANTITY
    }


def set_quantity(merchant: Merchant, variant_id: int, quantity: int) -> None:
    if parse_id(variant_id) is None:
        return
    cart = raw(merchant)
    if quantity <= 0:
        cart.pop(str(variant_id), None)
    else:
        cart[str(variant_id)] = min(quantity, MAX_QUANTITY)
    session[_key(merchant)] = cart


def add(merchant: Merchant, variant_id: int, quantity: int) -> None:
    set_quantity(merchant, variant_id, raw(merchant).get(str(variant_id), 0) + quantity)


def clear(merchant: Merchant) -> None:
    session.pop(_key(merchant), None)


def count(merchant: Merchant) -> int:
    return sum(raw(merchant).values())


def rows(merchant: Merchant) -> list[CartRow]:
    """The cart with its variants loaded in one query; vanished variants drop out."""
    cart = raw(merchant)
    if not cart:
        return []
    ids = [int(k) for k in cart]
    variants = db.session.scalars(
        select(Variant)
        .join(Product)
        .where(Variant.id.in_(ids), Product.merchant_id == merchant.id, Product.active.is_(True))
        .options(selectinload(Variant.product).selectinload(Product.image))
    ).all()
    return [CartRow(v, cart[str(v.id)]) for v in sorted(variants, key=lambda v: ids.index(v.id))]


def lines(merchant: Merchant) -> list[CartLine]:
    return [CartLine(int(k), q) for k, q in raw(merchant).items()]
