"""The shopper's cart for API clients, kept on the server (a mini-program keeps no cookies).

Lines live in `StoredCartItem`, one per variant, with the rules of the pages' cart
(`storefront.cart`): at most MAX_QUANTITY of a variant, only what this shop sells and has
in stock, lines of products no longer sold left out of the answer.
"""

from __future__ import annotations

from flask import g
from flask_babel import gettext as _
from flask_login import current_user
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import delete, func, select, update

from .. import cart
from ..cart import MAX_LINES, MAX_QUANTITY, CartRow
from ..extensions import db
from ..models import Merchant, StoredCartItem, User
from ..rows import insert_once
from .auth import shopper_required
from .errors import ApiError, ErrorBody
from .presenters import money_of, product_summary, variant_out
from .root import api_bp
from .schemas import Money, ProductSummary, VariantOut
from .spec import answers, api_spec

SHOP = "/shops/<merchant>"
SHOPPER = {"shopper": []}


class CartLineOut(BaseModel):
    variant: VariantOut
    product: ProductSummary
    quantity: int
    line_total: Money


class CartOut(BaseModel):
    lines: list[CartLineOut]
    count: int = Field(description="Items in the cart, all lines together")
    total: Money
    max_quantity: int = Field(MAX_QUANTITY, description="The most of one variant a cart holds")


class CartQuantity(BaseModel):
    model_config = ConfigDict(extra="forbid")

    quantity: int = Field(ge=0, le=MAX_QUANTITY, description="How many in all; 0 removes the line")


def _mine(user: User, merchant: Merchant):
    return (StoredCartItem.user_id == user.id) & (StoredCartItem.merchant_id == merchant.id)


def stored_rows(user: User, merchant: Merchant) -> list[CartRow]:
    """The stored cart, oldest line first; variants no longer sold here drop out."""
    quantities = dict(
        db.session.execute(
            select(StoredCartItem.variant_id, StoredCartItem.quantity)
            .where(_mine(user, merchant))
            .order_by(StoredCartItem.id)
        ).all()
    )
    return cart.rows_of(merchant, quantities)


def store(user: User, merchant: Merchant, variant_id: int, quantity: int) -> None:
    """Set one line (0 removes it); a parallel first write of the same line is absorbed."""
    line = _mine(user, merchant) & (StoredCartItem.variant_id == variant_id)
    if quantity <= 0:
        db.session.execute(delete(StoredCartItem).where(line))
        return
    changed = update(StoredCartItem).where(line).values(quantity=quantity)
    if db.session.execute(changed).rowcount:
        return
    if not insert_once(
        StoredCartItem.__table__,
        user_id=user.id,
        merchant_id=merchant.id,
        variant_id=variant_id,
        quantity=quantity,
    ):
        db.session.execute(changed)


def empty(user: User, merchant: Merchant) -> None:
    db.session.execute(delete(StoredCartItem).where(_mine(user, merchant)))


def _line_count(user: User, merchant: Merchant) -> int:
    return db.session.scalar(select(func.count(StoredCartItem.id)).where(_mine(user, merchant)))


def _holds(user: User, merchant: Merchant, variant_id: int) -> bool:
    return (
        db.session.scalar(
            select(StoredCartItem.id).where(
                _mine(user, merchant) & (StoredCartItem.variant_id == variant_id)
            )
        )
        is not None
    )


def cart_out(rows: list[CartRow]) -> CartOut:
    currency = g.merchant.currency
    return CartOut(
        lines=[
            CartLineOut(
                variant=variant_out(row.variant, currency),
                product=product_summary(row.variant.product),
                quantity=row.quantity,
                line_total=money_of(row.line_total, currency),
            )
            for row in rows
        ],
        count=sum(row.quantity for row in rows),
        total=money_of(sum(row.line_total for row in rows), currency),
    )


def _shopper() -> User:
    return current_user._get_current_object()


@api_bp.get(f"{SHOP}/cart")
@shopper_required
@api_spec.validate(
    resp=answers(HTTP_200=CartOut, HTTP_401=ErrorBody), tags=["cart"], security=SHOPPER
)
def view_cart():
    """Your cart in this shop: each line with its variant, product and line total."""
    return cart_out(stored_rows(_shopper(), g.merchant))


@api_bp.put(f"{SHOP}/cart/lines/<int:variant_id>")
@shopper_required
@api_spec.validate(
    json=CartQuantity,
    resp=answers(HTTP_200=CartOut, HTTP_401=ErrorBody, HTTP_409=ErrorBody),
    tags=["cart"],
    security=SHOPPER,
)
def put_line(variant_id: int, json: CartQuantity):
    """Set how many of a variant the cart holds (0 removes it); answers the whole cart.

    404 (`variant_id`) for a variant this shop does not sell; 409 (`quantity`) for more
    than is in stock; 409 `cart_full` past the number of lines a cart may hold.
    """
    user = _shopper()
    if json.quantity:
        variant = next(iter(cart.on_sale(g.merchant, [variant_id])), None)
        if variant is None:
            raise ApiError(404, _("This item is not sold in this shop."), "variant_id")
        problem = cart.stock_problem(variant, json.quantity)
        if problem:
            raise ApiError(409, problem, "quantity", code="not_enough_stock")
        if not _holds(user, g.merchant, variant_id) and _line_count(user, g.merchant) >= MAX_LINES:
            raise ApiError(
                409,
                _("Your cart holds %(n)d different items at most.", n=MAX_LINES),
                "variant_id",
                code="cart_full",
            )
    store(user, g.merchant, variant_id, json.quantity)
    db.session.commit()
    return cart_out(stored_rows(user, g.merchant))


@api_bp.delete(f"{SHOP}/cart/lines/<int:variant_id>")
@shopper_required
@api_spec.validate(
    resp=answers(HTTP_200=CartOut, HTTP_401=ErrorBody), tags=["cart"], security=SHOPPER
)
def delete_line(variant_id: int):
    """Take a variant out of the cart (answers the cart even when it was not in it)."""
    user = _shopper()
    store(user, g.merchant, variant_id, 0)
    db.session.commit()
    return cart_out(stored_rows(user, g.merchant))


@api_bp.delete(f"{SHOP}/cart")
@shopper_required
@api_spec.validate(
    resp=answers(HTTP_200=CartOut, HTTP_401=ErrorBody), tags=["cart"], security=SHOPPER
)
def empty_cart():
    """Empty the cart in this shop."""
    user = _shopper()
    empty(user, g.merchant)
    db.session.commit()
    return cart_out([])
