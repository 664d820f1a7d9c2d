"""The merchant's orders through an API key: find them, read them, move them along.

The same rules as the admin's order pages: `storefront.orders.change_status` decides which
status may follow which and records the change in the order's history, under the key's
creator (and the key's name, so the history says which system did it).
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

import phonenumbers
from flask_login import current_user
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import or_
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..models import Order, OrderItem, Product
from ..models.order import ORDER_STATUSES, ORDER_TRANSITIONS
from ..orders import OrderError, change_status, status_label
from ..tenancy import tenant_select
from .auth import api_key, key_required
from .errors import ApiError, ErrorBody
from .paging import Page, PageQuery, keyset
from .presenters import money_of
from .root import api_bp
from .schemas import Money
from .spec import answers, api_spec

ADMIN = "/shops/<merchant>/admin"
MERCHANT = {"merchant": []}
OrderStatus = Literal[ORDER_STATUSES]  # type: ignore[valid-type]
DEFAULT_REGION = "CN"  # how a phone typed without a country code is read, as at checkout


class MerchantOrderQuery(PageQuery):
    status: OrderStatus | None = None
    q: str | None = Field(
        None,
        max_length=100,
        description="The start of an order number, a recipient's name or a phone number",
    )


class MerchantOrderSummary(BaseModel):
    number: str
    status: OrderStatus
    status_label: str
    created_at: datetime
    total: Money
    recipient: str
    phone: str
    lines: int = Field(description="How many order lines")
    paid: bool


class MerchantOrderPage(Page[MerchantOrderSummary]):
    pass


class MerchantOrderLine(BaseModel):
    product_name: str
    product_slug: str | None = Field(description="None when the product was deleted since")
    category: str | None = Field(description="The product's category slug")
    sku: str
    size: str | None
    colour: str | None
    quantity: int
    unit_price: Money
    line_total: Money


class MerchantStatusEntry(BaseModel):
    old_status: OrderStatus | None
    new_status: OrderStatus
    actor: str
    note: str | None
    at: datetime


class MerchantShopper(BaseModel):
    name: str
    email: str
    phone: str | None


class MerchantOrderOut(MerchantOrderSummary):
    address: str
    note: str | None
    payment_method: str | None
    paid_at: datetime | None
    shopper: MerchantShopper
    items: list[MerchantOrderLine]
    history: list[MerchantStatusEntry] = Field(description="Oldest first")
    next_statuses: list[OrderStatus] = Field(description="What the order may become now")


class MerchantStatusChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: OrderStatus
    note: str | None = Field(None, max_length=1000, description="Kept in the order's history")


def _escaped(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def phone_prefixes(text: str) -> set[str]:
    """What a typed phone start may look like stored in E.164: 138… is +86138…, 86138… +86138…."""
    digits = text.replace(" ", "").replace("-", "")
    if not digits.lstrip("+").isdigit():
        return set()
    if digits.startswith("+"):
        return {digits}
    code = phonenumbers.country_code_for_region(DEFAULT_REGION)
    return {f"+{digits}", f"+{code}{digits.lstrip('0')}"}


def order_search(terms: str):
    """Orders whose number, recipient or phone starts with `terms` (case does not matter)."""
    pattern = _escaped(terms) + "%"
    found = [Order.number.ilike(pattern, escape="\\"), Order.recipient.ilike(pattern, escape="\\")]
    found += [Order.phone.like(_escaped(p) + "%", escape="\\") for p in phone_prefixes(terms)]
    return or_(*found)


def order_summary(order: Order) -> MerchantOrderSummary:
    return MerchantOrderSummary(
        number=order.number,
        status=order.status,
        status_label=status_label(order.status),
        created_at=order.created_at,
        total=money_of(order.total_minor, order.currency),
        recipient=order.recipient,
        phone=order.phone,
        lines=len(order.items),
        paid=order.paid_at is not None,
    )


def _line(item: OrderItem, currency: str) -> MerchantOrderLine:
    product = item.product
    return MerchantOrderLine(
        product_name=item.product_name,
        product_slug=product.slug if product else None,
        category=product.category.slug if product and product.category else None,
        sku=item.sku,
        size=item.size,
        colour=item.colour,
        quantity=item.quantity,
        unit_price=money_of(item.unit_price_minor, currency),
        line_total=money_of(item.line_total, currency),
    )


def order_out(order: Order) -> MerchantOrderOut:
    shopper = order.user
    return MerchantOrderOut(
        **order_summary(order).model_dump(),
        address=order.address,
        note=order.note,
        payment_method=order.payment_method,
        paid_at=order.paid_at,
        shopper=MerchantShopper(name=shopper.name, email=shopper.email, phone=shopper.phone),
        items=[_line(item, order.currency) for item in order.items],
        history=[
            MerchantStatusEntry(
                old_status=change.old_status,
                new_status=change.new_status,
                actor=change.actor_label,
                note=change.note,
                at=change.created_at,
            )
            for change in order.history
        ],
        next_statuses=list(ORDER_TRANSITIONS.get(order.status, ())),
    )


def shop_order(number: str) -> Order:
    """This shop's order by number, or a JSON 404 (never another shop's)."""
    order = db.session.scalar(
        tenant_select(Order)
        .where(Order.number == number)
        .options(
            selectinload(Order.items)
            .selectinload(OrderItem.product)
            .selectinload(Product.category),
            selectinload(Order.history),
            selectinload(Order.user),
        )
    )
    if order is None:
        raise ApiError(404)
    return order


@api_bp.get(f"{ADMIN}/orders")
@key_required("orders:read")
@api_spec.validate(
    query=MerchantOrderQuery,
    resp=answers(HTTP_200=MerchantOrderPage, HTTP_401=ErrorBody, HTTP_403=ErrorBody),
    tags=["merchant"],
    security=MERCHANT,
)
def merchant_orders(query: MerchantOrderQuery):
    """The shop's orders, newest first; narrow by status or by what an order starts with."""
    listing = tenant_select(Order).options(selectinload(Order.items))
    if query.status:
        listing = listing.where(Order.status == query.status)
    terms = (query.q or "").strip()
    if terms:
        listing = listing.where(order_search(terms))
    rows, cursor = keyset(listing, [Order.id], query)
    return MerchantOrderPage(items=[order_summary(o) for o in rows], next_cursor=cursor)


@api_bp.get(f"{ADMIN}/orders/<number>")
@key_required("orders:read")
@api_spec.validate(
    resp=answers(HTTP_200=MerchantOrderOut, HTTP_401=ErrorBody, HTTP_403=ErrorBody),
    tags=["merchant"],
    security=MERCHANT,
)
def merchant_order(number: str):
    """One order: its lines, the shopper's contact and delivery address, its history."""
    return order_out(shop_order(number))


def actor_label() -> str:
    """Who the history names: the key's creator and the key (stored as is, not translated)."""
    return f"{current_user.name} (API: {api_key().name})"[:120]


@api_bp.post(f"{ADMIN}/orders/<number>/status")
@key_required("orders:write")
@api_spec.validate(
    json=MerchantStatusChange,
    resp=answers(
        HTTP_200=MerchantOrderOut, HTTP_401=ErrorBody, HTTP_403=ErrorBody, HTTP_409=ErrorBody
    ),
    tags=["merchant"],
    security=MERCHANT,
)
def merchant_order_status(number: str, json: MerchantStatusChange):
    """Move the order to `status`; 409 when its lifecycle does not allow that from here."""
    order = shop_order(number)
    note = (json.note or "").strip() or None
    try:
        change_status(order, json.status, current_user, note, actor_label())
    except OrderError as error:
        db.session.rollback()
        raise ApiError(409, str(error), "status", code="illegal_transition") from error
    db.session.commit()
    return order_out(shop_order(number))
