"""The returns API's bodies and answers (the OpenAPI document is generated from these),
and the presenters that make the answers from the plugin's rows.

A request's kind is "return" (money back) or "exchange" in the API; the tables keep
"refund" for the first, as the pages always have.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated, Literal

from flask import url_for
from pydantic import BaseModel, ConfigDict, Field

from storefront import OrderItem, Variant, gettext
from storefront import lazy_gettext as _l
from storefront.api import ImageOut, Money, Page, PageQuery, image_out, money_of

from .flow import STATUS_LABELS, TRANSITIONS
from .models import OPEN_STATES, STATES, ReturnItem, ReturnRequest
from .policy import REASONS, Eligibility, ReturnPolicy

ID_MAX = 2**31 - 1  # row ids are 32-bit on PostgreSQL
ReasonCode = Literal[tuple(REASONS)]
StatusCode = Literal[tuple(STATES)]
QueueView = Literal[("open", "overdue", "all", *STATES)]
Kind = Literal["return", "exchange"]
KIND_IN = {"return": "refund", "exchange": "exchange"}
KIND_OUT = {stored: kind for kind, stored in KIND_IN.items()}
MAX_PHOTOS = 6


class Strict(BaseModel):
    """A body with a field the API does not know is refused, naming the field."""

    model_config = ConfigDict(extra="forbid")


# -- eligibility ---------------------------------------------------------------------------


class ReturnReasonOut(BaseModel):
    code: ReasonCode
    label: str
    needs_photo: bool = Field(description="A photo of the problem must come with the request")
    shop_pays_shipping: bool


class ReturnPolicyOut(BaseModel):
    return_days: int = Field(description="Days from delivery to ask for the money back")
    exchange_days: int = Field(description="Days from delivery to ask for an exchange")
    return_until: datetime | None = Field(description="None until the order is delivered")
    exchange_until: datetime | None
    hygiene_rule: bool = Field(description="Opened items cannot go back for a change of mind")
    free_size_exchange: bool
    reasons: list[ReturnReasonOut]


class ReturnExchangeOption(BaseModel):
    variant_id: int
    label: str
    size: str | None
    colour: str | None
    in_stock: bool


class ReturnEligibleLine(BaseModel):
    order_item_id: int
    product_name: str
    size: str | None
    colour: str | None
    quantity: int = Field(description="How many were ordered")
    returnable_quantity: int = Field(description="How many are not returned or asked for yet")
    offered: bool = Field(description="False where the shop offers no returns for this item")
    can_return: bool
    can_exchange: bool
    why_not: list[str] = Field(description="Why it cannot go back now, in the caller's language")
    policy: ReturnPolicyOut | None = Field(description="None where returns are not offered")
    exchange_options: list[ReturnExchangeOption]


class ReturnEligibility(BaseModel):
    order_number: str
    delivered_at: datetime | None
    lines: list[ReturnEligibleLine]


# -- asking --------------------------------------------------------------------------------


class ReturnLineIn(Strict):
    order_item_id: int = Field(ge=1, le=ID_MAX)
    quantity: int = Field(ge=1, le=10_000)
    reason: ReasonCode = Field(description="The same for every line of one request")
    exchange_variant_id: int | None = Field(
        None, ge=1, le=ID_MAX, description="For an exchange: the size or colour wanted instead"
    )
    opened: bool = Field(False, description="The item was opened or used")


class ReturnAsk(Strict):
    kind: Kind
    lines: list[ReturnLineIn] = Field(min_length=1, max_length=50)
    note: str = Field("", max_length=2000, description="Anything the shop should know")
    photos: list[Annotated[str, Field(min_length=1, max_length=64)]] = Field(
        default_factory=list,
        max_length=MAX_PHOTOS,
        description="Tokens from POST /api/v1/shops/{merchant}/uploads",
    )


class ReturnShipBackIn(Strict):
    carrier: str = Field(min_length=1, max_length=64)
    tracking_number: str = Field(min_length=1, max_length=64)


class ReturnNoteIn(Strict):
    note: str | None = Field(None, max_length=1000, description="Shown to the shopper")


class ReturnDeclineIn(Strict):
    reason: str = Field(min_length=1, max_length=1000, description="Shown to the shopper")


class ReturnRefundIn(Strict):
    amount_minor: int | None = Field(
        None, ge=1, le=ID_MAX, description="Defaults to the value of the returned items"
    )
    note: str | None = Field(None, max_length=1000)


class ReturnQueueQuery(PageQuery):
    status: QueueView = Field(
        "open", description="A status, `open` (the default), `overdue` or `all`"
    )
    reason: ReasonCode | None = None
    q: str | None = Field(None, max_length=40, description="Part of the RMA or order number")


# -- requests ------------------------------------------------------------------------------


class ReturnLineOut(BaseModel):
    order_item_id: int
    product_name: str
    size: str | None
    colour: str | None
    quantity: int
    exchange_for: ReturnExchangeOption | None


class ReturnEventOut(BaseModel):
    status: StatusCode
    label: str
    at: datetime
    note: str | None
    actor: str | None = Field(description="Who did it; given to the shop's staff only")


class ReturnShipBackOut(BaseModel):
    address: str
    instructions: str
    shipping_paid_by: Literal["shop", "shopper"]
    shipping_note: str
    carrier: str | None = Field(description="As the shopper sent it back")
    tracking_number: str | None


class ReturnRefundOut(BaseModel):
    state: Literal["none", "pending", "refunded"]
    value: Money = Field(description="What the returned items cost")
    amount: Money | None = Field(description="What was refunded")


class ReturnStep(BaseModel):
    action: str = Field(description="wait, ship_back, cancel; for staff approve, decline, ...")
    text: str
    method: Literal["POST"] | None
    path: str | None = Field(description="The endpoint that takes this step")


class ReturnSummary(BaseModel):
    rma: str
    order_number: str
    kind: Kind
    status: StatusCode
    status_label: str
    reason: ReasonCode
    reason_label: str
    created_at: datetime
    lines: list[ReturnLineOut]


class ReturnQueueItem(ReturnSummary):
    shopper_name: str
    value: Money


class ReturnOut(ReturnSummary):
    note: str
    offered: bool = Field(description="False once the shop no longer offers returns here")
    updated_at: datetime
    photos: list[ImageOut]
    history: list[ReturnEventOut] = Field(description="Newest first")
    ship_back: ReturnShipBackOut
    refund: ReturnRefundOut
    next_steps: list[ReturnStep]


class ReturnPage(Page[ReturnSummary]):
    pass


class ReturnQueuePage(Page[ReturnQueueItem]):
    pass


# -- presenters ----------------------------------------------------------------------------


def exchange_option(variant: Variant) -> ReturnExchangeOption:
    return ReturnExchangeOption(
        variant_id=variant.id,
        label=variant.label,
        size=variant.size,
        colour=variant.colour,
        in_stock=variant.stock > 0,
    )


def policy_out(policy: ReturnPolicy, delivered: datetime | None) -> ReturnPolicyOut:
    def until(days: int) -> datetime | None:
        return delivered + timedelta(days=days) if delivered else None

    return ReturnPolicyOut(
        return_days=policy.return_days,
        exchange_days=policy.exchange_days,
        return_until=until(policy.return_days),
        exchange_until=until(policy.exchange_days),
        hygiene_rule=policy.hygiene_rule,
        free_size_exchange=policy.free_size_exchange,
        reasons=[
            ReturnReasonOut(
                code=code,
                label=str(REASONS[code]),
                needs_photo=code in policy.photo_reasons,
                shop_pays_shipping=code in policy.shop_pays_for,
            )
            for code in policy.reasons
        ],
    )


def eligible_line(item: OrderItem, judged: Eligibility | None, delivered) -> ReturnEligibleLine:
    """One order line; `judged` is None where returns are not offered for it."""
    common = {
        "order_item_id": item.id,
        "product_name": item.product_name,
        "size": item.size,
        "colour": item.colour,
        "quantity": item.quantity,
    }
    if judged is None:
        return ReturnEligibleLine(
            **common,
            returnable_quantity=0,
            offered=False,
            can_return=False,
            can_exchange=False,
            why_not=[gettext("%(product)s cannot be returned here.", product=item.product_name)],
            policy=None,
            exchange_options=[],
        )
    options = []
    if judged.can_exchange and item.product is not None:
        options = [exchange_option(v) for v in item.product.variants if v.id != item.variant_id]
    return ReturnEligibleLine(
        **common,
        returnable_quantity=judged.returnable,
        offered=True,
        can_return=judged.can_return,
        can_exchange=judged.can_exchange,
        why_not=judged.why_not,
        policy=policy_out(judged.policy, delivered),
        exchange_options=options,
    )


def line_out(row: ReturnItem) -> ReturnLineOut:
    item = row.order_item
    return ReturnLineOut(
        order_item_id=item.id,
        product_name=item.product_name,
        size=item.size,
        colour=item.colour,
        quantity=row.quantity,
        exchange_for=exchange_option(row.exchange_variant) if row.exchange_variant else None,
    )


def summary_fields(found: ReturnRequest) -> dict:
    return {
        "rma": found.rma,
        "order_number": found.order.number,
        "kind": KIND_OUT[found.kind],
        "status": found.status,
        "status_label": str(STATUS_LABELS[found.status]),
        "reason": found.reason,
        "reason_label": str(REASONS.get(found.reason, found.reason)),
        "created_at": found.created_at,
        "lines": [line_out(row) for row in found.items],
    }


def summary(found: ReturnRequest) -> ReturnSummary:
    return ReturnSummary(**summary_fields(found))


def queue_item(found: ReturnRequest) -> ReturnQueueItem:
    return ReturnQueueItem(
        **summary_fields(found),
        shopper_name=found.user.name,
        value=money_of(found.value_minor, found.order.currency),
    )


def _ship_back(found: ReturnRequest) -> ReturnShipBackOut:
    merchant = found.order.merchant
    shop_pays = found.shipping_paid_by == "shop"
    return ReturnShipBackOut(
        address=merchant.return_address or merchant.name,
        instructions=gettext("Write %(rma)s on the parcel and send it to:", rma=found.rma),
        shipping_paid_by="shop" if shop_pays else "shopper",
        shipping_note=gettext("The shop pays the return shipping.")
        if shop_pays
        else gettext("You pay the return shipping."),
        carrier=found.return_carrier,
        tracking_number=found.return_tracking,
    )


def _refund(found: ReturnRequest) -> ReturnRefundOut:
    currency = found.order.currency
    if found.refund_minor is not None:
        state = "refunded"
    elif found.kind == "refund" and found.status in OPEN_STATES:
        state = "pending"
    else:
        state = "none"
    return ReturnRefundOut(
        state=state,
        value=money_of(found.value_minor, currency),
        amount=money_of(found.refund_minor, currency) if found.refund_minor is not None else None,
    )


def _step(action: str, text, endpoint: str | None, rma: str) -> ReturnStep:
    return ReturnStep(
        action=action,
        text=str(text),
        method="POST" if endpoint else None,
        path=url_for(endpoint, rma=rma) if endpoint else None,
    )


SHOPPER_WAITS = {
    "requested": _l("The shop will look at your request and answer in your inbox."),
    "shipped_back": _l("Your parcel is on its way back; we will tell you when the shop has it."),
}
RECEIVED = {
    "refund": _l("The shop has your parcel; your refund comes next."),
    "exchange": _l("The shop has your parcel; the replacement is sent next."),
}
STAFF_STEPS = {
    "approved": ("approve", "returns_api.approve"),
    "rejected": ("decline", "returns_api.decline_request"),
    "received": ("receive", "returns_api.receive"),
    "refunded": ("refund", "returns_api.refund_request"),
    "exchanged": ("exchange", "returns_api.exchange"),
}


def shopper_steps(found: ReturnRequest, offered: bool) -> list[ReturnStep]:
    """What the shopper does or waits for next; no actions where returns are no longer offered."""
    status, rma = found.status, found.rma
    steps = []
    if status in SHOPPER_WAITS:
        steps.append(_step("wait", SHOPPER_WAITS[status], None, rma))
    if status == "received":
        steps.append(_step("wait", RECEIVED[found.kind], None, rma))
    if offered and status == "approved":
        text = _l(
            "Write %(rma)s on the parcel, send it to the address given, "
            "then tell us the carrier and the tracking number.",
            rma=rma,
        )
        steps.append(_step("ship_back", text, "returns_api.ship_back_parcel", rma))
    if offered and status in ("requested", "approved"):
        steps.append(_step("cancel", _l("Cancel this request"), "returns_api.cancel", rma))
    return steps


def staff_steps(found: ReturnRequest) -> list[ReturnStep]:
    """The decisions open to the shop, as the admin page offers them."""
    skip = {"cancelled", "shipped_back", "exchanged" if found.kind == "refund" else "refunded"}
    steps = []
    for status in TRANSITIONS.get(found.status, ()):
        if status not in skip:
            action, endpoint = STAFF_STEPS[status]
            steps.append(_step(action, STATUS_LABELS[status], endpoint, found.rma))
    return steps


def return_out(found: ReturnRequest, staff: bool, offered: bool = True) -> ReturnOut:
    """The whole request; `staff` adds who did each step and gives the shop's next steps."""
    return ReturnOut(
        **summary_fields(found),
        note=found.description or "",
        offered=offered,
        updated_at=found.updated_at,
        photos=[image_out(p.upload, "") for p in found.photos],
        history=[
            ReturnEventOut(
                status=e.status,
                label=str(STATUS_LABELS[e.status]),
                at=e.created_at,
                note=e.note,
                actor=e.actor_label if staff else None,
            )
            for e in reversed(found.events)
        ],
        ship_back=_ship_back(found),
        refund=_refund(found),
        next_steps=staff_steps(found) if staff else shopper_steps(found, offered),
    )
