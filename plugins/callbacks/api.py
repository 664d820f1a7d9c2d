"""Contact us, call me back, the shopper's threads and the agents' queue, as JSON.

The same service functions as the pages act here, by the same scope rules: a request
about a product or an order is taken only where callbacks is on for it, a thread stays
readable after callbacks is switched off there (but takes no more messages), and a list
or a shop-wide request wherever callbacks is on somewhere in the shop.
"""

from __future__ import annotations

from datetime import datetime

from flask import g, request
from flask_login import current_user
from sqlalchemy import and_, or_
from sqlalchemy.orm import selectinload
from werkzeug.exceptions import NotFound

from storefront import (
    acts_on,
    db,
    gettext,
    limiter,
    parse_id,
    record_view,
    tenant_select,
    utc_time,
)
from storefront.api import (
    ApiBlueprint,
    ApiError,
    ErrorBody,
    PageQuery,
    answers,
    api_spec,
    decode_cursor,
    encode_cursor,
    idempotent,
    key_required,
    shopper_required,
)

from .api_schemas import (
    AgentMessageOut,
    AgentOut,
    AssignIn,
    AttemptOut,
    CloseIn,
    ContactIn,
    ContactInfo,
    ContactQuery,
    MessageOut,
    QueueItem,
    QueuePage,
    QueueQuery,
    QueueRequestOut,
    ReplyIn,
    ThreadListItem,
    ThreadOut,
    ThreadPage,
    TopicOut,
)
from .forms import STATE_LABELS, TOPIC_LABELS
from .models import TOPICS, CallAttempt, ContactMessage, ContactRequest
from .open_requests import Queue
from .service import (
    RETIRED,
    Refused,
    agent_reply,
    assign_request,
    availability,
    close_request,
    due_at,
    hours_for,
    is_overdue,
    new_request,
    product_by_slug,
    reply_from_shopper,
    resolve_request,
    shoppers_order,
    shoppers_request,
    takes_messages,
    targets_for,
)
from .shop_views import last_messages, my_requests

api_bp = ApiBlueprint("callbacks_api", __name__, url_prefix="/shops/<merchant>")
SHOPPER = {"shopper": []}
MERCHANT = {"merchant": []}
TAGS = ["contact"]
MAX_OFFSET = 10_000  # how deep the queue is paged; its order is computed, not a keyset
SHOPPER_WRITE = {"HTTP_401": ErrorBody, "HTTP_409": ErrorBody, "HTTP_415": ErrorBody}
AGENT = {"HTTP_401": ErrorBody, "HTTP_403": ErrorBody}


def refused(error: Refused) -> ApiError:
    """A refusal of the service as an API error: bad input is a 400, a state a 409."""
    return ApiError(400 if error.field else 409, error.message, error.field, code=error.code)


def per_shopper() -> str:
    """The contact form's limit counts per account here: many phones share one address."""
    if current_user.is_authenticated:
        return f"callbacks-contact:user:{current_user.id}"
    return f"callbacks-contact:ip:{request.remote_addr}"


# -- presenting -----------------------------------------------------------------------------


def thread_summary(found: ContactRequest) -> dict:
    return {
        "id": found.id,
        "topic": found.topic,
        "topic_label": str(TOPIC_LABELS[found.topic]),
        "state": found.status,
        "callback": found.mode == "call",
        "product": found.product.slug if found.product else None,
        "order": found.order.number if found.order else None,
        "created_at": found.created_at,
    }


def message_out(message: ContactMessage) -> MessageOut:
    return MessageOut(
        id=message.id,
        text=message.body,
        from_shop=message.from_shop,
        automatic=message.automatic,
        created_at=message.created_at,
    )


def thread_out(found: ContactRequest) -> ThreadOut:
    """The shopper's view of a thread; reading it sets the page's scope to the thread's."""
    takes = takes_messages(found)
    return ThreadOut(
        **thread_summary(found),
        phone=found.phone,
        window=found.window,
        due_at=due_at(found, hours_for(g.merchant)),
        first_response_at=found.first_response_at,
        resolved_at=found.resolved_at,
        rating=found.rating,
        comment=found.rating_comment,
        accepts_messages=takes and found.status != "resolved",
        messages=[message_out(m) for m in found.messages],
    )


def agent_out(user) -> AgentOut | None:
    return AgentOut(id=user.id, name=user.name) if user is not None else None


def queue_fields(found: ContactRequest, due: datetime | None, overdue: bool) -> dict:
    return {
        "id": found.id,
        "name": found.name,
        "topic": found.topic,
        "topic_label": str(TOPIC_LABELS[found.topic]),
        "state": found.status,
        "state_label": str(STATE_LABELS[found.status]),
        "callback": found.mode == "call",
        "phone": found.phone,
        "window": found.window,
        "created_at": found.created_at,
        "due_at": due,
        "overdue": overdue,
        "answered": found.first_response_at is not None,
        "assignee": agent_out(found.assignee),
        "escalated": found.escalated,
        "attempts": found.attempts,
    }


def queue_request_out(found: ContactRequest) -> QueueRequestOut:
    hours = hours_for(g.merchant)
    return QueueRequestOut(
        **queue_fields(found, due_at(found, hours), is_overdue(found, hours)),
        product=found.product.slug if found.product else None,
        order=found.order.number if found.order else None,
        first_response_at=found.first_response_at,
        resolved_at=found.resolved_at,
        rating=found.rating,
        comment=found.rating_comment,
        messages=[
            AgentMessageOut(
                **message_out(m).model_dump(), author=agent_out(m.author if m.from_shop else None)
            )
            for m in found.messages
        ],
        call_attempts=[
            AttemptOut(
                outcome=a.outcome, note=a.note, agent=agent_out(a.agent), created_at=a.created_at
            )
            for a in found.attempts_log
        ],
    )


# -- finding --------------------------------------------------------------------------------


def subject(query: ContactQuery | ContactIn) -> dict:
    """The product and order a request is about, each only where callbacks acts on it."""
    found = {
        "product": product_by_slug(query.product) if query.product else None,
        "order": shoppers_order(query.order, current_user) if query.order else None,
    }
    for field, obj in found.items():
        if getattr(query, field) and obj is None:
            raise ApiError(404, field=field)
        if obj is not None:
            try:
                acts_on(obj, "callbacks")
            except NotFound:
                raise ApiError(
                    404,
                    gettext("This shop takes no messages about this here."),
                    field,
                    code="not_offered",
                ) from None
    return found


def own_thread(request_id: int) -> ContactRequest:
    """The caller's own thread in this shop; anyone else's is not found."""
    ident = parse_id(request_id)
    found = shoppers_request(ident, current_user) if ident else None
    if found is None:
        raise ApiError(404)
    return found


def open_thread(request_id: int) -> ContactRequest:
    """The caller's thread, refused (409) where the shop no longer takes messages about it."""
    found = own_thread(request_id)
    if not takes_messages(found):
        raise ApiError(409, str(RETIRED), code="not_offered")
    return found


def queued(request_id: int) -> ContactRequest:
    """A request of this shop with its conversation and calls; another shop's is not found."""
    ident = parse_id(request_id)
    found = None
    if ident:
        found = db.session.scalar(
            tenant_select(ContactRequest)
            .where(ContactRequest.id == ident)
            .options(
                selectinload(ContactRequest.messages).selectinload(ContactMessage.author),
                selectinload(ContactRequest.attempts_log).selectinload(CallAttempt.agent),
            )
        )
    if found is None:
        raise ApiError(404)
    return found


def after_thread(query, cursor: str | None):
    """`my_requests` after the cursor: (created_at, id), newest first, as the index reads."""
    if not cursor:
        return query
    when, ident = decode_cursor(cursor, 2)
    moment, ident = utc_time(when), parse_id(ident)
    if moment is None or ident is None:
        raise ApiError(400, gettext("This cursor is not one we gave out."), "cursor")
    created = ContactRequest.created_at
    return query.where(or_(created < moment, and_(created == moment, ContactRequest.id < ident)))


def queue_offset(cursor: str | None) -> int:
    if not cursor:
        return 0
    (offset,) = decode_cursor(cursor, 1)
    if not isinstance(offset, int) or not 0 < offset <= MAX_OFFSET:
        raise ApiError(400, gettext("This cursor is not one we gave out."), "cursor")
    return offset


# -- the shopper's side ---------------------------------------------------------------------


@api_bp.get("/contact")
@api_spec.validate(query=ContactQuery, resp=answers(HTTP_200=ContactInfo), tags=TAGS)
def contact(query: ContactQuery):
    """Whether the shop answers now, how soon, and the topics to choose from.

    Name a product, or one of your orders (with your token), to learn whether the shop
    takes messages about it: 404 naming the field where it does not.
    """
    subject(query)
    now = availability(g.merchant)
    targets = targets_for(g.merchant)
    return ContactInfo(
        open_now=now.open_now,
        opens_at=None if now.open_now else now.next_opening,
        timezone=str(now.zone),
        reply_within_minutes=targets.minutes("other"),
        topics=[
            TopicOut(code=t, label=str(TOPIC_LABELS[t]), reply_within_minutes=targets.minutes(t))
            for t in TOPICS
        ],
    )


@api_bp.post("/contact-requests")
@limiter.limit("5 per hour", key_func=per_shopper)
@shopper_required
@idempotent
@api_spec.validate(
    json=ContactIn,
    resp=answers(HTTP_201=ThreadOut, HTTP_422=ErrorBody, **SHOPPER_WRITE),
    tags=TAGS,
    security=SHOPPER,
)
def create_request(json: ContactIn):
    """Write to the shop, or ask for a call back; about a product or an order if you like.

    Out of opening hours the thread starts with the shop's automatic answer saying when it
    opens. Send an `Idempotency-Key` so a retry does not write twice.
    """
    about = subject(json)
    try:
        created = new_request(
            g.merchant,
            current_user,
            name=json.name or current_user.name,
            topic=json.topic,
            message=json.message,
            mode="call" if json.callback else "reply",
            phone=json.phone or (current_user.phone if json.callback else None),
            window=json.window,
            **about,
        )
    except Refused as error:
        raise refused(error) from None
    db.session.commit()
    return thread_out(created), 201


@api_bp.get("/contact-requests")
@record_view
@shopper_required
@api_spec.validate(
    query=PageQuery,
    resp=answers(HTTP_200=ThreadPage, HTTP_401=ErrorBody),
    tags=TAGS,
    security=SHOPPER,
)
def my_threads(query: PageQuery):
    """Your conversations with this shop, newest first, each with its latest message.

    Still there after the shop stops offering contact requests.
    """
    listing = after_thread(my_requests(current_user.id), query.cursor).options(
        selectinload(ContactRequest.product), selectinload(ContactRequest.order)
    )
    rows = list(db.session.scalars(listing.limit(query.limit + 1)))
    more, rows = len(rows) > query.limit, rows[: query.limit]
    last = last_messages(rows)
    cursor = None
    if more:
        cursor = encode_cursor([rows[-1].created_at.isoformat(), rows[-1].id])
    return ThreadPage(
        items=[ThreadListItem(**thread_summary(r), last_message=last.get(r.id)) for r in rows],
        next_cursor=cursor,
    )


@api_bp.get("/contact-requests/<int:request_id>")
@record_view
@shopper_required
@api_spec.validate(
    resp=answers(HTTP_200=ThreadOut, HTTP_401=ErrorBody), tags=TAGS, security=SHOPPER
)
def thread(request_id: int):
    """One of your conversations with its messages, state and reply time.

    Readable whatever the shop offers now; `accepts_messages` says whether you can write.
    """
    return thread_out(own_thread(request_id))


@api_bp.post("/contact-requests/<int:request_id>/messages")
@shopper_required
@api_spec.validate(
    json=ReplyIn, resp=answers(HTTP_201=ThreadOut, **SHOPPER_WRITE), tags=TAGS, security=SHOPPER
)
def reply(request_id: int, json: ReplyIn):
    """Write again in an open conversation (409 once it is closed)."""
    found = open_thread(request_id)
    try:
        reply_from_shopper(found, current_user, json.text)
    except Refused as error:
        raise refused(error) from None
    db.session.commit()
    return thread_out(found), 201


@api_bp.post("/contact-requests/<int:request_id>/close")
@shopper_required
@api_spec.validate(
    json=CloseIn, resp=answers(HTTP_200=ThreadOut, **SHOPPER_WRITE), tags=TAGS, security=SHOPPER
)
def close(request_id: int, json: CloseIn):
    """Close the conversation, saying whether you were helped (and why, if you like)."""
    found = open_thread(request_id)
    close_request(found, json.rating, json.comment)
    db.session.commit()
    return thread_out(found)


# -- the agents' side -----------------------------------------------------------------------


@api_bp.get("/admin/contact-requests")
@key_required("contact:write")
@api_spec.validate(
    query=QueueQuery, resp=answers(HTTP_200=QueuePage, **AGENT), tags=TAGS, security=MERCHANT
)
def queue(query: QueueQuery):
    """The open requests, overdue first, then by due time; all, the overdue, or yours."""
    assignee = current_user.id if query.filter == "mine" else None
    found = Queue(g.merchant, assignee, overdue_only=query.filter == "overdue")
    offset = queue_offset(query.cursor)
    total, overdue = found.counts()
    rows = found.requests(offset, query.limit + 1)
    more, rows = len(rows) > query.limit, rows[: query.limit]
    return QueuePage(
        items=[QueueItem(**queue_fields(*found.row(r))) for r in rows],
        next_cursor=encode_cursor([offset + len(rows)]) if more else None,
        total=total,
        overdue=overdue,
    )


@api_bp.get("/admin/contact-requests/<int:request_id>")
@key_required("contact:write")
@api_spec.validate(resp=answers(HTTP_200=QueueRequestOut, **AGENT), tags=TAGS, security=MERCHANT)
def queued_request(request_id: int):
    """One request with its conversation and call attempts."""
    return queue_request_out(queued(request_id))


@api_bp.post("/admin/contact-requests/<int:request_id>/messages")
@key_required("contact:write")
@api_spec.validate(
    json=ReplyIn,
    resp=answers(HTTP_201=QueueRequestOut, HTTP_409=ErrorBody, HTTP_415=ErrorBody, **AGENT),
    tags=TAGS,
    security=MERCHANT,
)
def agent_message(request_id: int, json: ReplyIn):
    """Answer in writing as the key's creator; the shopper is told. A guest only gets calls."""
    found = queued(request_id)
    try:
        agent_reply(found, current_user, json.text, g.merchant)
    except Refused as error:
        raise refused(error) from None
    db.session.commit()
    return queue_request_out(queued(request_id)), 201


@api_bp.post("/admin/contact-requests/<int:request_id>/assign")
@key_required("contact:write")
@api_spec.validate(
    json=AssignIn,
    resp=answers(HTTP_200=QueueRequestOut, HTTP_415=ErrorBody, **AGENT),
    tags=TAGS,
    security=MERCHANT,
)
def assign(request_id: int, json: AssignIn):
    """Give the request to one of this shop's staff, or back to the queue with null."""
    found = queued(request_id)
    try:
        assign_request(found, json.agent_id, g.merchant)
    except Refused as error:
        raise refused(error) from None
    db.session.commit()
    return queue_request_out(queued(request_id))


@api_bp.post("/admin/contact-requests/<int:request_id>/resolve")
@key_required("contact:write")
@api_spec.validate(
    resp=answers(HTTP_200=QueueRequestOut, HTTP_415=ErrorBody, **AGENT),
    tags=TAGS,
    security=MERCHANT,
)
def resolve(request_id: int):
    """Mark the request resolved; it leaves the queue."""
    found = queued(request_id)
    resolve_request(found)
    db.session.commit()
    return queue_request_out(queued(request_id))
