"""Returns through the JSON API: eligibility, asking, following a request, the shop's decisions.

The same rules as the pages: a shopper asks only for lines where returns are on (404 for
the others), sees only their own requests, and keeps reading them after the shop stops
offering returns; a merchant key decides only its own shop's requests. Every check and
step is the plugin's own (`filing`, `policy`, `flow`); these views only translate.
"""

from __future__ import annotations

from flask import g
from flask_login import current_user
from sqlalchemy.orm import selectinload

from storefront import acts_on, db, gettext, lines_where, reads, record_view, tenant_select
from storefront.api import (
    ApiBlueprint,
    ApiError,
    ErrorBody,
    PageQuery,
    answers,
    api_spec,
    claim_uploads,
    idempotent,
    key_required,
    keyset,
    shopper_required,
)

from .admin_views import queue_query, shop_request
from .api_models import (
    KIND_IN,
    ReturnAsk,
    ReturnDeclineIn,
    ReturnEligibility,
    ReturnNoteIn,
    ReturnOut,
    ReturnPage,
    ReturnQueuePage,
    ReturnQueueQuery,
    ReturnRefundIn,
    ReturnShipBackIn,
    eligible_line,
    queue_item,
    return_out,
    summary,
)
from .filing import Wanted, check_request, create_request
from .flow import FlowError, decline, move, refund, ship_back
from .models import ReturnRequest
from .policy import Problem, claim, delivered_at, eligibility
from .shop_views import PHOTO_PURPOSE, own_order, own_request

api_bp = ApiBlueprint("returns_api", __name__, url_prefix="/shops/<merchant>")

SHOPPER = {"shopper": []}
MERCHANT = {"merchant": []}
TAGS = ["returns"]
PROBLEM_STATUS = {"invalid": 400, "conflict": 409, "not_offered": 404}
LINE_FIELDS = ("quantity", "exchange_variant_id", "opened", "order_item_id")


def refused(problem: Problem, wanted: list[Wanted]) -> ApiError:
    """A problem of the request as an API error, naming `lines.<i>.<field>` when about a line."""
    db.session.rollback()  # nothing of a refused request stays, and its locks are let go
    field = problem.field
    position = problem.position
    if position is None and problem.item_id is not None:
        position = [row.order_item_id for row in wanted].index(problem.item_id)
    if position is not None and field in LINE_FIELDS:
        field = f"lines.{position}.{field}"
    code = {"conflict": "not_returnable", "not_offered": "not_found"}.get(problem.kind, "invalid")
    return ApiError(PROBLEM_STATUS[problem.kind], problem.message, field, code)


def flow_refused(error: FlowError) -> ApiError:
    db.session.rollback()
    return ApiError(400 if error.code == "invalid" else 409, str(error), error.field, error.code)


def one_reason(body: ReturnAsk) -> str:
    """A request has one reason: every line must give the same."""
    reason = body.lines[0].reason
    for index, line in enumerate(body.lines):
        if line.reason != reason:
            raise ApiError(
                400,
                gettext(
                    "Every item of one request needs the same reason; "
                    "send the others as a request of their own."
                ),
                f"lines.{index}.reason",
            )
    return reason


# -- the shopper ---------------------------------------------------------------------------


@api_bp.get("/orders/<number>/returns/eligibility")
@shopper_required
@api_spec.validate(
    resp=answers(HTTP_200=ReturnEligibility, HTTP_401=ErrorBody), tags=TAGS, security=SHOPPER
)
def order_eligibility(number: str):
    """What each line of one of your orders allows now: return, exchange, or why not."""
    order = own_order(number)
    acts_on(order)
    judged = {line.item.id: line for line in eligibility(order, lines_where("returns", order))}
    delivered = delivered_at(order)
    return ReturnEligibility(
        order_number=order.number,
        delivered_at=delivered,
        lines=[eligible_line(item, judged.get(item.id), delivered) for item in order.items],
    )


@api_bp.post("/orders/<number>/returns")
@shopper_required
@idempotent
@api_spec.validate(
    json=ReturnAsk,
    resp=answers(
        HTTP_201=ReturnOut,
        HTTP_401=ErrorBody,
        HTTP_409=ErrorBody,
        HTTP_415=ErrorBody,
        HTTP_422=ErrorBody,
    ),
    tags=TAGS,
    security=SHOPPER,
)
def ask(number: str, json: ReturnAsk):
    """Ask to return or exchange lines of one of your orders; send an `Idempotency-Key`.

    Lines where the shop offers no returns answer 404 naming the line; what is no longer
    free (already returned, the window is over) answers 409.
    """
    order = own_order(number)
    acts_on(order)
    reason, kind = one_reason(json), KIND_IN[json.kind]
    wanted = [
        Wanted(line.order_item_id, line.quantity, line.exchange_variant_id, line.opened)
        for line in json.lines
    ]
    lines = eligibility(order, lines_where("returns", order))
    chosen, problems = check_request(order, lines, kind, reason, wanted, len(json.photos))
    if problems:
        raise refused(problems[0], wanted)
    try:
        uploads = claim_uploads(json.photos, purpose=PHOTO_PURPOSE)
    except ApiError:
        db.session.rollback()
        raise
    # From here to the commit the lines are locked: of requests sent together, one counts.
    taken = claim(order, chosen, {line.item.id: line.item for line in lines})
    if taken:
        raise refused(taken[0], wanted)
    created = create_request(
        order,
        current_user._get_current_object(),
        kind,
        reason,
        json.note,
        chosen,
        uploads,
        {line.item.id: line.policy for line in lines},
    )
    db.session.commit()
    return return_out(created, staff=False), 201


@api_bp.get("/returns")
@record_view
@shopper_required
@api_spec.validate(
    query=PageQuery,
    resp=answers(HTTP_200=ReturnPage, HTTP_401=ErrorBody),
    tags=TAGS,
    security=SHOPPER,
)
def mine(query: PageQuery):
    """Your requests in this shop, newest first; still listed after the shop stops returns."""
    reads(g.merchant)
    listing = (
        tenant_select(ReturnRequest)
        .where(ReturnRequest.user_id == current_user.id)
        .options(selectinload(ReturnRequest.order))
    )
    rows, cursor = keyset(listing, [ReturnRequest.id], query)
    return ReturnPage(items=[summary(r) for r in rows], next_cursor=cursor)


@api_bp.get("/returns/<rma>")
@record_view
@shopper_required
@api_spec.validate(
    resp=answers(HTTP_200=ReturnOut, HTTP_401=ErrorBody), tags=TAGS, security=SHOPPER
)
def detail(rma: str):
    """One of your requests: status, what to do next, where to send it, history, refund."""
    found = own_request(rma)
    reads(found)
    return return_out(found, staff=False, offered=g.retired_plugin is None)


@api_bp.post("/returns/<rma>/ship-back")
@shopper_required
@api_spec.validate(
    json=ReturnShipBackIn,
    resp=answers(HTTP_200=ReturnOut, HTTP_401=ErrorBody, HTTP_409=ErrorBody, HTTP_415=ErrorBody),
    tags=TAGS,
    security=SHOPPER,
)
def ship_back_parcel(rma: str, json: ReturnShipBackIn):
    """You have sent the approved item back: the carrier and the tracking number."""
    found = own_request(rma)
    acts_on(found)
    try:
        ship_back(found, json.carrier, json.tracking_number, current_user.name)
    except FlowError as error:
        raise flow_refused(error) from error
    db.session.commit()
    return return_out(found, staff=False)


@api_bp.post("/returns/<rma>/cancel")
@shopper_required
@api_spec.validate(
    resp=answers(HTTP_200=ReturnOut, HTTP_401=ErrorBody, HTTP_409=ErrorBody, HTTP_415=ErrorBody),
    tags=TAGS,
    security=SHOPPER,
)
def cancel(rma: str):
    """Withdraw a request the shop has not received anything for yet."""
    found = own_request(rma)
    acts_on(found)
    try:
        move(found, "cancelled", current_user.name)
    except FlowError as error:
        raise flow_refused(error) from error
    db.session.commit()
    return return_out(found, staff=False)


# -- the merchant --------------------------------------------------------------------------

STAFF_ANSWERS = {
    "HTTP_200": ReturnOut,
    "HTTP_401": ErrorBody,
    "HTTP_403": ErrorBody,
    "HTTP_409": ErrorBody,
    "HTTP_415": ErrorBody,
}


@api_bp.get("/admin/returns")
@key_required("returns:write")
@api_spec.validate(
    query=ReturnQueueQuery,
    resp=answers(HTTP_200=ReturnQueuePage, HTTP_401=ErrorBody, HTTP_403=ErrorBody),
    tags=TAGS,
    security=MERCHANT,
)
def queue(query: ReturnQueueQuery):
    """The shop's requests: open ones oldest first (the queue), other views newest first."""
    listing, show, _reason = queue_query(query.status, query.reason or "", (query.q or "").strip())
    listing = listing.options(selectinload(ReturnRequest.order), selectinload(ReturnRequest.user))
    rows, cursor = keyset(
        listing, [ReturnRequest.id], query, descending=show not in ("open", "overdue")
    )
    return ReturnQueuePage(items=[queue_item(r) for r in rows], next_cursor=cursor)


@api_bp.get("/admin/returns/<rma>")
@key_required("returns:write")
@api_spec.validate(
    resp=answers(HTTP_200=ReturnOut, HTTP_401=ErrorBody, HTTP_403=ErrorBody),
    tags=TAGS,
    security=MERCHANT,
)
def staff_detail(rma: str):
    """One request with the shopper's photos, the history and the decisions open now."""
    return return_out(shop_request(rma), staff=True)


def decided(rma: str, step) -> ReturnOut:
    """Take one step of the flow on this shop's request; a step the flow refuses is a 409."""
    found = shop_request(rma)
    try:
        step(found)
    except FlowError as error:
        raise flow_refused(error) from error
    db.session.commit()
    return return_out(found, staff=True)


@api_bp.post("/admin/returns/<rma>/approve")
@key_required("returns:write")
@api_spec.validate(json=ReturnNoteIn, resp=answers(**STAFF_ANSWERS), tags=TAGS, security=MERCHANT)
def approve(rma: str, json: ReturnNoteIn):
    """Approve: the shopper is told to send it back (an exchange reserves the new size)."""
    return decided(rma, lambda found: move(found, "approved", current_user.name, json.note))


@api_bp.post("/admin/returns/<rma>/decline")
@key_required("returns:write")
@api_spec.validate(
    json=ReturnDeclineIn, resp=answers(**STAFF_ANSWERS), tags=TAGS, security=MERCHANT
)
def decline_request(rma: str, json: ReturnDeclineIn):
    """Decline, saying why: the shopper reads the reason."""
    return decided(rma, lambda found: decline(found, json.reason, current_user.name))


@api_bp.post("/admin/returns/<rma>/receive")
@key_required("returns:write")
@api_spec.validate(json=ReturnNoteIn, resp=answers(**STAFF_ANSWERS), tags=TAGS, security=MERCHANT)
def receive(rma: str, json: ReturnNoteIn):
    """The parcel has come back to the shop."""
    return decided(rma, lambda found: move(found, "received", current_user.name, json.note))


@api_bp.post("/admin/returns/<rma>/refund")
@key_required("returns:write")
@api_spec.validate(json=ReturnRefundIn, resp=answers(**STAFF_ANSWERS), tags=TAGS, security=MERCHANT)
def refund_request(rma: str, json: ReturnRefundIn):
    """Refund a received return: the items' value, or `amount_minor` up to it."""
    return decided(
        rma, lambda found: refund(found, json.amount_minor, current_user.name, json.note)
    )


@api_bp.post("/admin/returns/<rma>/exchange")
@key_required("returns:write")
@api_spec.validate(json=ReturnNoteIn, resp=answers(**STAFF_ANSWERS), tags=TAGS, security=MERCHANT)
def exchange(rma: str, json: ReturnNoteIn):
    """Send the replacement of a received exchange (a parcel is made where tracking is on)."""
    return decided(rma, lambda found: move(found, "exchanged", current_user.name, json.note))
