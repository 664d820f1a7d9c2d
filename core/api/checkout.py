"""Checking out the stored cart, and the ways to pay: the API's side of `storefront.checkout`.

Checkout takes an `Idempotency-Key`. Besides the replayed answer, the key becomes the
order's checkout token, so even when the answer itself was lost (the process died after
the commit) a retry finds the order the first attempt placed instead of placing another.
"""

from __future__ import annotations

import hashlib

from flask import g
from flask_babel import gettext as _
from flask_login import current_user
from pydantic import BaseModel, ConfigDict, Field

from ..checkout import Delivery, Placed, check_out, payment_methods, placed_with
from ..extensions import db, limiter
from ..inputs import MAX_ID
from ..models import Address, Merchant, User
from ..orders import CartLine, OrderError
from ..shop.account import own_order
from ..shop.forms import AddressForm
from .auth import shopper_required
from .cart import empty, stored_rows
from .errors import ApiError, ErrorBody
from .forms import check_form
from .idempotency import idempotency_key, idempotent
from .orders import ShopperOrder, method_for, order_out
from .root import api_bp
from .spec import answers, api_spec

SHOP = "/shops/<merchant>"


class PaymentMethodOut(BaseModel):
    code: str = Field(description="Send as `payment` at checkout")
    label: str


class PaymentMethodList(BaseModel):
    items: list[PaymentMethodOut]


class DeliveryIn(BaseModel):
    """An address as the checkout page's form takes it (the same rules)."""

    model_config = ConfigDict(extra="forbid")

    recipient: str
    phone: str = Field(description="A mobile number; kept as +86… (E.164)")
    line1: str = Field(description="Street address")
    city: str
    province: str | None = None
    postcode: str | None = None


class CheckoutIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    address: DeliveryIn | None = Field(None, description="Where to deliver, or send address_id")
    address_id: int | None = Field(None, ge=1, le=MAX_ID, description="One of your addresses")
    note: str | None = Field(None, max_length=500, description="A note for the shop")
    payment: str = Field(min_length=1, max_length=32, description="A code from /payment-methods")


class PlacedOrderOut(ShopperOrder):
    payment_error: str | None = Field(
        description="Why the payment did not go through; the order then awaits payment"
    )


def checkout_token(merchant: Merchant, key: str | None) -> str | None:
    """The order's checkout token for this Idempotency-Key (the same key, the same order)."""
    if key is None:
        return None
    return "api-" + hashlib.sha256(f"{merchant.id}\n{key}".encode()).hexdigest()[:40]


def _delivery(user: User, body: CheckoutIn) -> Delivery:
    if body.address is not None and body.address_id is not None:
        raise ApiError(
            400, _("Send either address or address_id, not both."), "address_id", code="invalid"
        )
    if body.address_id is not None:
        saved = db.session.get(Address, body.address_id)
        if saved is None or saved.user_id != user.id:
            raise ApiError(
                400, _("Choose one of your saved addresses."), "address_id", code="invalid"
            )
        return Delivery.of(saved)
    if body.address is None:
        raise ApiError(400, _("This field is required."), "address", code="invalid")
    form = check_form(AddressForm, body.address.model_dump(), field_prefix="address.")
    return Delivery.from_form(form)


def _placed(placed: Placed):
    answer = order_out(own_order(placed.order.number))
    return PlacedOrderOut(**answer.model_dump(), payment_error=placed.payment_error), 201


@api_bp.get(f"{SHOP}/payment-methods")
@api_spec.validate(resp=answers(HTTP_200=PaymentMethodList), tags=["checkout"])
def list_payment_methods():
    """The ways to pay this shop offers; send one's `code` as `payment`."""
    return PaymentMethodList(
        items=[
            PaymentMethodOut(code=m.code, label=str(m.label)) for m in payment_methods(g.merchant)
        ]
    )


@api_bp.post(f"{SHOP}/checkout")
@limiter.limit("30 per minute")
@shopper_required
@idempotent
@api_spec.validate(
    json=CheckoutIn,
    resp=answers(
        HTTP_201=PlacedOrderOut, HTTP_401=ErrorBody, HTTP_409=ErrorBody, HTTP_422=ErrorBody
    ),
    tags=["checkout"],
    security={"shopper": []},
)
def checkout(json: CheckoutIn):
    """Order what is in your cart, deliver it to `address` (or `address_id`), and pay.

    Send an `Idempotency-Key`: a retry answers the same order, never places a second one.
    The cart is emptied once the order is placed. 409 `cart_empty`, or 409 `order_refused`
    with the reason (sold out, no longer sold). A payment that fails still places the
    order, awaiting payment: `payment_error` says why, and `actions` offers "pay".
    """
    user = current_user._get_current_object()
    token = checkout_token(g.merchant, idempotency_key())
    earlier = placed_with(g.merchant, user, token)
    if earlier is not None:  # placed by an attempt whose answer was lost
        empty(user, g.merchant)
        db.session.commit()
        return _placed(Placed(earlier))
    method = method_for(json.payment)
    delivery = _delivery(user, json)
    rows = stored_rows(user, g.merchant)
    if not rows:
        raise ApiError(409, _("Your cart is empty."), code="cart_empty")
    try:
        placed = check_out(
            g.merchant,
            user,
            [CartLine(row.variant.id, row.quantity) for row in rows],
            delivery,
            method,
            note=json.note,
            token=token,
        )
    except OrderError as exc:
        db.session.rollback()
        raise ApiError(409, str(exc), code="order_refused") from exc
    empty(user, g.merchant)
    db.session.commit()
    return _placed(placed)
