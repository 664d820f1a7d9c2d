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
    pass


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
        raise FlowError(_l("Someone else has just changed this request; reload the page."))
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


def reserve_stock(request: ReturnRequest) -> None:
    """Take the replacement sizes out of stock when the exchange is approved, or refuse."""
    for item in request.items:
        variant = db.session.get(Variant, item.exchange_variant_id, with_for_update=True)
        if variant is None or variant.stock < item.quantity:
            raise FlowError(_l("The size asked for is out of stock; offer a refund instead."))
        variant.stock -= item.quantity


def release_stock(request: ReturnRequest) -> None:
    for item in request.items:
        variant = db.session.get(Variant, item.exchange_variant_id)
        if variant is not None:
            variant.stock += item.quantity
