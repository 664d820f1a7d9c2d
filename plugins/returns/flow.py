"""The after-sales flow: who may move a request where, and what each step does."""

from __future__ import annotations

from flask import url_for
from sqlalchemy import update

from storefront import Variant, db, emit, notify, utcnow
from storefront import lazy_gettext as _l

from .models import ReturnEvent, ReturnRequest

TRANSITIONS = {
    "requested": ("approved", "rejected", "cancelled"),
    "approved": ("shipped_back", "cancelled", "received"),
    "shipped_back": ("received",),
    "received": ("refunded", "exchanged"),
}
STATUS_LABELS = {
    "requested": _l("Waiting for the shop"),
    "approved": _l("Approved: send it back"),
    "rejected": _l("Declined"),
    "shipped_back": _l("On its way back"),
    "received": _l("Received by the shop"),
    "refunded": _l("Refunded"),
    "exchanged": _l("Exchange sent"),
    "cancelled": _l("Cancelled"),
}


class FlowError(ValueError):
    """A step the flow refuses; the pages show the message.

    `field` names the input or the state at fault and `code` says why, for the API:
    `invalid` is the caller's input, anything else the request's state (a conflict).
    """

    def __init__(self, message, field: str = "status", code: str = "illegal_transition") -> None:
        super().__init__(message)
        self.field = field
        self.code = code


def record(request: ReturnRequest, status: str, actor_label: str, note: str | None = None) -> None:
    request.events.append(ReturnEvent(status=status, actor_label=actor_label, note=note))


def move(request: ReturnRequest, status: str, actor_label: str, note: str | None = None) -> None:
    """Change the status if the flow allows it, keep the history, tell the shopper."""
    if status not in TRANSITIONS.get(request.status, ()):
        raise FlowError(
            _l(
                "A request that is “%(old)s” cannot become “%(new)s”.",
                old=STATUS_LABELS[request.status],
                new=STATUS_LABELS[status],
            )
        )
    # Claim the change in the database: of two clicks at the same moment only one wins.
    claimed = db.session.execute(
        update(ReturnRequest)
        .where(ReturnRequest.id == request.id, ReturnRequest.status == request.status)
        .values(status=status, updated_at=utcnow())
    )
    if claimed.rowcount != 1:
        raise FlowError(
            _l("Someone else has just changed this request; reload the page."),
            code="changed_meanwhile",
        )
    if status == "approved" and request.kind == "exchange":
        reserve_stock(request)
    if (
        status in ("rejected", "cancelled")
        and request.status == "approved"
        and request.kind == "exchange"
    ):
        release_stock(request)
    db.session.expire(request, ["status", "updated_at"])
    record(request, status, actor_label, note)
    if status == "exchanged":
        emit(
            "exchange_ready_to_ship",
            merchant=request.order.merchant,
            order=request.order,
            items=[
                {
                    "order_item_id": i.order_item_id,
                    "variant_id": i.exchange_variant_id,
                    "quantity": i.quantity,
                }
                for i in request.items
            ],
            reference=request.rma,
        )
    notify(
        request.user,
        _l("Return %(rma)s: %(status)s", rma=request.rma, status=STATUS_LABELS[status]),
        note or "",
        link=url_for("returns.detail", merchant=request.order.merchant.slug, rma=request.rma),
        merchant=request.order.merchant,
        kind=f"returns.{status}",
    )


def decline(request: ReturnRequest, note: str | None, actor_label: str) -> None:
    """Decline with the reason the shopper will read; a decline without one is refused."""
    note = (note or "").strip()
    if not note:
        raise FlowError(
            _l("Say why the request is declined; the shopper will read it."), "reason", "invalid"
        )
    move(request, "rejected", actor_label, note)


def refund(
    request: ReturnRequest, amount_minor: int | None, actor_label: str, note: str | None = None
) -> None:
    """Refund `amount_minor` (the value of the returned items when None), at most that value."""
    amount = request.value_minor if amount_minor is None else amount_minor
    if not 0 < amount <= request.value_minor:
        raise FlowError(
            _l("Refund between 0.01 and the value of the returned items."),
            "amount_minor",
            "invalid",
        )
    move(request, "refunded", actor_label, note)
    request.refund_minor = amount


def ship_back(request: ReturnRequest, carrier: str, tracking: str, actor_label: str) -> None:
    """The shopper has sent the parcel back with this carrier and tracking number."""
    carrier, tracking = carrier.strip(), tracking.strip()
    move(request, "shipped_back", actor_label, f"{carrier} {tracking}")
    request.return_carrier, request.return_tracking = carrier, tracking


def reserve_stock(request: ReturnRequest) -> None:
    """Take the replacement sizes out of stock when the exchange is approved, or refuse."""
    for item in request.items:
        variant = db.session.get(Variant, item.exchange_variant_id, with_for_update=True)
        if variant is None or variant.stock < item.quantity:
            raise FlowError(
                _l("The size asked for is out of stock; offer a refund instead."),
                "exchange_variant_id",
                "out_of_stock",
            )
        variant.stock -= item.quantity


def release_stock(request: ReturnRequest) -> None:
    for item in request.items:
        variant = db.session.get(Variant, item.exchange_variant_id)
        if variant is not None:
            variant.stock += item.quantity
