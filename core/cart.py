"""The shopping cart, kept in the signed session cookie per merchant (guests can shop too)."""

from __future__ import annotations

from dataclasses import dataclass

from flask import session
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from .extensions import db
from .inputs import parse_id
from .models import Merchant, Product, Variant
from .orders import CartLine

MAX_QUANTITY = 20  # of one variant in one cart, for the pages and the API alike
MAX_LINES = 100  # different variants in one stored cart (a cookie holds about as many)


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


def on_sale(merchant: Merchant, ids: list[int]) -> list[Variant]:
    """The variants of `ids` this shop still sells, with what a cart line shows of them.

    A constant number of queries however many: the product, its picture, its category
    and its variants (for "in stock") are loaded alongside.
    """
    if not ids:
        return []
    product = selectinload(Variant.product)
    return list(
        db.session.scalars(
            select(Variant)
            .join(Product)
            .where(
                Variant.id.in_(ids),
                Product.merchant_id == merchant.id,
                Product.active.is_(True),
            )
            .options(
                product.selectinload(Product.image),
                product.selectinload(Product.category),
                product.selectinload(Product.variants),
            )
        )
    )


def rows_of(merchant: Merchant, quantities: dict[int, int]) -> list[CartRow]:
    """Cart lines in the order given; variants no longer sold here drop out."""
    ids = list(quantities)
    variants = on_sale(merchant, ids)
    return [CartRow(v, quantities[v.id]) for v in sorted(variants, key=lambda v: ids.index(v.id))]


def rows(merchant: Merchant) -> list[CartRow]:
    """This browser's cart, its variants loaded in a few queries; vanished ones drop out."""
    return rows_of(merchant, {int(k): q for k, q in raw(merchant).items()})


def stock_problem(variant: Variant, quantity: int) -> str | None:
    """Why `quantity` of `variant` cannot go in a cart now, or None when it can."""
    if variant.stock < quantity:
        return _("Only %(n)d left in %(label)s.", n=max(variant.stock, 0), label=variant.label)
    return None


def lines(merchant: Merchant) -> list[CartLine]:
    return [CartLine(int(k), q) for k, q in raw(merchant).items()]
