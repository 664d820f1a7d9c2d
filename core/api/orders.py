"""The shopper's orders in one shop: list, detail with status history, paying one that waits.

Only the caller's own orders of the URL's shop exist here; any other number is a 404.
`actions` says what the shopper can do next, so an app shows the right buttons.
"""

from __future__ import annotations

from datetime import datetime

from flask import g
from flask_babel import gettext as _
from flask_login import current_user
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import selectinload

from ..checkout import payment_methods
from ..extensions import db, limiter
from ..models import Order
from ..orders import status_label
from ..plugin_info import PaymentError, PaymentMethod
from ..shop.account import own_order
from ..tenancy import tenant_select
from .auth import shopper_required
from .errors import ApiError, ErrorBody
from .idempotency import idempotent
from .paging import Page, PageQuery, keyset
from .presenters import image_out, money_of
from .root import api_bp
from .schemas import ImageOut, Money
from .spec import answers, api_spec

SHOP = "/shops/<merchant>"
SHOPPER = {"shopper": []}
PAY = "pay"


class ShopperOrderLine(BaseModel):
    product_slug: str | None = Field(description="None when the product is no longer listed")
    product_name: str
    sku: str
    size: str | None
    colour: str | None
    quantity: int
    unit_price: Money
    line_total: Money
    image: ImageOut | None


class ShopperStatusChange(BaseModel):
    status: str
    label: str = Field(description="The status in the caller's language")
    at: datetime
    note: str | None


class ShopperOrderSummary(BaseModel):
    number: str
    status: str = Field(description="pending_payment, awaiting_shipment, shipped, completed…")
    status_label: str = Field(description="The status in the caller's language")
    total: Money
    item_count: int
    created_at: datetime
    actions: list[str] = Field(description='What the shopper can do next: "pay"')


class ShopperOrder(ShopperOrderSummary):
    lines: list[ShopperOrderLine]
    recipient: str
    phone: str
    address: str
    note: str | None
    payment_method: str | None
    paid_at: datetime | None
    history: list[ShopperStatusChange] = Field(description="Every change, oldest first")


class ShopperOrderPage(Page[ShopperOrderSummary]):
    pass


class PaymentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    payment: str = Field(min_length=1, max_length=32, description="A code from /payment-methods")


def actions_of(order: Order) -> list[str]:
    return [PAY] if order.status == "pending_payment" else []


def _summary_fields(order: Order) -> dict:
    return {
        "number": order.number,
        "status": order.status,
        "status_label": status_label(order.status),
        "total": money_of(order.total_minor, order.currency),
        "item_count": sum(item.quantity for item in order.items),
        "created_at": order.created_at,
        "actions": actions_of(order),
    }


def order_out(order: Order) -> ShopperOrder:
    """An order as its shopper sees it (load it with `own_order`: no query per line)."""
    currency = order.currency
    return ShopperOrder(
        **_summary_fields(order),
        lines=[
            ShopperOrderLine(
                product_slug=item.product.slug if item.product else None,
                product_name=item.product_name,
                sku=item.sku,
                size=item.size,
                colour=item.colour,
                quantity=item.quantity,
                unit_price=money_of(item.unit_price_minor, currency),
                line_total=money_of(item.line_total, currency),
                image=image_out(item.product.image, item.product_name) if item.product else None,
            )
            for item in order.items
        ],
        recipient=order.recipient,
        phone=order.phone,
        address=order.address,
        note=order.note,
        payment_method=order.payment_method,
        paid_at=order.paid_at,
        history=[
            ShopperStatusChange(
                status=change.new_status,
                label=status_label(change.new_status),
                at=change.created_at,
                note=change.note,
            )
            for change in order.history
        ],
    )


def method_for(code: str) -> PaymentMethod:
    """The shop's payment method with this code, or a 400 naming `payment`."""
    method = next((m for m in payment_methods(g.merchant) if m.code == code), None)
    if method is None:
        raise ApiError(
            400, _("Choose one of this shop's payment methods."), "payment", code="invalid"
        )
    return method


@api_bp.get(f"{SHOP}/orders")
@shopper_required
@api_spec.validate(
    query=PageQuery,
    resp=answers(HTTP_200=ShopperOrderPage, HTTP_401=ErrorBody),
    tags=["orders"],
    security=SHOPPER,
)
def list_orders(query: PageQuery):
    """Your orders in this shop, newest first."""
    listing = (
        tenant_select(Order)
        .where(Order.user_id == current_user.id)
        .options(selectinload(Order.items))
    )
    rows, cursor = keyset(listing, [Order.id], query)
    return ShopperOrderPage(
        items=[ShopperOrderSummary(**_summary_fields(o)) for o in rows], next_cursor=cursor
    )


@api_bp.get(f"{SHOP}/orders/<number>")
@shopper_required
@api_spec.validate(
    resp=answers(HTTP_200=ShopperOrder, HTTP_401=ErrorBody), tags=["orders"], security=SHOPPER
)
def order_detail(number: str):
    """One of your orders: lines, totals, delivery, status history, what you can do next."""
    return order_out(own_order(number))


@api_bp.post(f"{SHOP}/orders/<number>/payment")
@limiter.limit("30 per minute")
@shopper_required
@idempotent
@api_spec.validate(
    json=PaymentIn,
    resp=answers(HTTP_200=ShopperOrder, HTTP_401=ErrorBody, HTTP_409=ErrorBody, HTTP_422=ErrorBody),
    tags=["orders"],
    security=SHOPPER,
)
def pay_order(number: str, json: PaymentIn):
    """Pay for an order awaiting payment. Send an `Idempotency-Key`: a retry pays once.

    409 `not_awaiting_payment` once it is paid or cancelled; 409 `payment_failed` (with the
    payment method's reason) when the payment did not go through.
    """
    method = method_for(json.payment)
    order = own_order(number, lock=True)
    if order.status != "pending_payment":
        raise ApiError(409, _("This order is not awaiting payment."), code="not_awaiting_payment")
    try:
        method.pay(order)
    except PaymentError as exc:
        db.session.commit()  # as at checkout: what the method recorded stays
        raise ApiError(409, str(exc), "payment", code="payment_failed") from exc
    db.session.commit()
    return order_out(own_order(number))
