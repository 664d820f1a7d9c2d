"""Contact requests: business-time targets, automatic replies, assignment, conversation.

The pages and the JSON API both act through these functions; a step the request's state
or the input does not allow raises `Refused`, which each side shows in its own way.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from flask import g, url_for
from sqlalchemy import func, select

from storefront import (
    Membership,
    Order,
    Product,
    Scope,
    User,
    db,
    gettext,
    normalise_phone,
    notify,
    notify_staff,
    reads,
    tenant_select,
    utcnow,
)
from storefront import lazy_gettext as _l

from .business_time import BusinessHours
from .models import ContactMessage, ContactRequest

RETIRED = _l("The shop no longer takes messages here; this conversation stays to read.")


class Refused(Exception):
    """Not done, and nothing written.

    `field` names the input at fault, if one is; otherwise `code` says which state of the
    request stood in the way (stable, for API clients to branch on).
    """

    def __init__(self, message: str, field: str | None = None, code: str = "invalid") -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.code = code


def hours_for(merchant) -> BusinessHours:
    """The contact centre's hours: one set for the shop, so read in the shop-wide scope."""
    return BusinessHours.from_settings(Scope(merchant).settings("callbacks"), merchant.timezone)


@dataclass(frozen=True)
class ReplyTargets:
    """First-reply targets in business minutes; complaints may have their own."""

    general: int
    complaint: int

    def minutes(self, topic: str) -> int:
        return self.complaint if topic == "complaint" else self.general


def targets_for(merchant) -> ReplyTargets:
    """Read once per page: per row, the settings lookup cost more than the time arithmetic."""
    settings = Scope(merchant).settings("callbacks")
    return ReplyTargets(
        general=settings["target_minutes"], complaint=settings["complaint_target_minutes"]
    )


def target_minutes(merchant, topic: str) -> int:
    return targets_for(merchant).minutes(topic)


@dataclass(frozen=True)
class Availability:
    """Whether the contact centre is open, and when it opens next (None: it never does)."""

    open_now: bool
    next_opening: datetime | None
    zone: ZoneInfo


def availability(merchant, now: datetime | None = None) -> Availability:
    hours = hours_for(merchant)
    now = now or utcnow()
    return Availability(hours.is_open(now), hours.next_opening(now), hours.zone)


def due_at(
    request: ContactRequest, hours: BusinessHours, targets: ReplyTargets | None = None
) -> datetime | None:
    targets = targets or targets_for(request_merchant(request))
    return hours.add_minutes(request.created_at, targets.minutes(request.topic))


def request_merchant(request: ContactRequest):
    from storefront import Merchant

    return db.session.get(Merchant, request.merchant_id)


def is_overdue(
    request: ContactRequest,
    hours: BusinessHours,
    now: datetime | None = None,
    targets: ReplyTargets | None = None,
) -> bool:
    """Python twin of `queue.overdue_clause`, for requests already loaded."""
    if request.first_response_at is not None or request.status == "resolved":
        return False
    due = due_at(request, hours, targets)
    return due is not None and (now or utcnow()) > due


def shoppers_order(number: str, user) -> Order | None:
    """An order of this shop by its number, only if it is `user`'s own."""
    if not number or user is None or not user.is_authenticated:
        return None
    return db.session.scalar(
        tenant_select(Order).where(Order.number == number[:32], Order.user_id == user.id)
    )


def shoppers_request(request_id: int, user) -> ContactRequest | None:
    """One of `user`'s own requests in this shop; another shopper's is not found."""
    return db.session.scalar(
        tenant_select(ContactRequest).where(
            ContactRequest.id == request_id, ContactRequest.user_id == user.id
        )
    )


def product_by_slug(slug: str) -> Product | None:
    if not slug:
        return None
    return db.session.scalar(tenant_select(Product).where(Product.slug == slug[:120]))


def new_request(
    merchant,
    user,
    *,
    name: str,
    topic: str,
    message: str,
    mode: str,
    phone: str | None = None,
    window: str | None = None,
    order: Order | None = None,
    product: Product | None = None,
) -> ContactRequest:
    """A shopper's (or a guest's) new request with its first message, opened as below.

    A reply here needs an account to read it; a call back needs a number to call.
    """
    signed_in = user is not None and user.is_authenticated
    if mode == "reply" and not signed_in:
        raise Refused(gettext("Sign in to get the reply here, or ask us to call you."), "mode")
    if mode == "call" and not phone:
        raise Refused(gettext("Enter the number we should call."), "phone")
    number = None
    if phone:
        number = normalise_phone(phone)
        if number is None:
            raise Refused(
                gettext("Enter a valid mobile number, e.g. 138 0013 8000 or +44 7911 123456."),
                "phone",
            )
    author_id = user.id if signed_in else None
    return open_request(
        merchant,
        ContactRequest(
            merchant_id=merchant.id,
            user_id=author_id,
            name=name.strip(),
            phone=number,
            topic=topic,
            mode=mode,
            window=window if mode == "call" else None,
            order_id=order.id if order else None,
            product_id=product.id if product else None,
            messages=[ContactMessage(author_id=author_id, body=message.strip())],
        ),
    )


def open_request(merchant, request: ContactRequest) -> ContactRequest:
    """Save a new request; out of hours it gets an automatic reply saying when we open."""
    db.session.add(request)
    db.session.flush()
    hours = hours_for(merchant)
    now = utcnow()
    if not hours.is_open(now):
        opening = hours.next_opening(now)
        when = opening.astimezone(hours.zone).strftime("%Y-%m-%d %H:%M") if opening else "—"
        request.messages.append(
            ContactMessage(
                from_shop=True,
                automatic=True,
                body=str(
                    _l(
                        "Thank you! We are closed now and answer after we open at %(when)s. "
                        "Your message is kept.",
                        when=when,
                    )
                ),
            )
        )
    if Scope(merchant).settings("callbacks")["round_robin"]:
        assign_next_agent(merchant, request)
    notify_staff(
        merchant,
        _l("New contact request from %(name)s", name=request.name),
        request.messages[0].body if request.messages and not request.messages[0].automatic else "",
        link=url_for("callbacks_admin.detail", merchant=merchant.slug, request_id=request.id),
        kind="callbacks.new",
        about=request,
    )
    return request


def assign_next_agent(merchant, request: ContactRequest) -> None:
    """Round robin: the agent whose last assignment is oldest gets the next request."""
    staff = db.session.scalars(
        select(User).join(Membership).where(Membership.merchant_id == merchant.id).order_by(User.id)
    ).all()
    if not staff:
        return
    loads = dict(
        db.session.execute(
            select(ContactRequest.assignee_id, func.max(ContactRequest.id))
            .where(
                ContactRequest.merchant_id == merchant.id, ContactRequest.assignee_id.is_not(None)
            )
            .group_by(ContactRequest.assignee_id)
        ).all()
    )
    chosen = min(staff, key=lambda u: loads.get(u.id, 0))
    request.assignee_id = chosen.id
    request.status = "assigned"


def reply_from_shop(request: ContactRequest, author, body: str, merchant) -> None:
    request.messages.append(ContactMessage(author_id=author.id, from_shop=True, body=body))
    if request.first_response_at is None:
        request.first_response_at = utcnow()
    request.status = "waiting"
    if request.user_id:
        notify(
            request.user,
            _l("%(shop)s replied to your message", shop=merchant.name),
            body,
            link=url_for("callbacks.thread", merchant=merchant.slug, request_id=request.id),
            merchant=merchant,
            kind="callbacks.reply",
            about=request,
        )


def takes_messages(found: ContactRequest) -> bool:
    """Read a thread whatever callbacks' state now; True while the shop still takes messages.

    It is judged by what it is about: a product's category, or an order (on for any of its
    lines); a thread about neither by the shop-wide switch.
    """
    reads(found, "callbacks")
    return g.retired_plugin is None


def reply_from_shopper(found: ContactRequest, author, body: str) -> None:
    """The shopper writes again: the request waits on the shop once more."""
    if found.status == "resolved":
        raise Refused(gettext("This conversation is closed."), code="closed")
    found.messages.append(ContactMessage(author_id=author.id, body=body.strip()))
    if found.status == "waiting":
        found.status = "assigned" if found.assignee_id else "new"


def close_request(found: ContactRequest, rating: str, comment: str | None) -> None:
    """The shopper closes the conversation and says whether they were helped."""
    found.status = "resolved"
    found.resolved_at = found.resolved_at or utcnow()
    found.rating = rating
    found.rating_comment = (comment or "").strip() or None


def agent_reply(found: ContactRequest, agent, body: str, merchant) -> None:
    """An agent answers in writing; an unassigned request becomes theirs."""
    if found.user_id is None:
        raise Refused(
            gettext("This guest can only be called back: log the call instead."),
            code="guest_request",
        )
    reply_from_shop(found, agent, body.strip(), merchant)
    if found.assignee_id is None:
        found.assignee_id = agent.id


def staff_of(merchant) -> list[User]:
    """Who may be given a request: the shop's owner and agents, by name."""
    return list(
        db.session.scalars(
            select(User)
            .join(Membership)
            .where(Membership.merchant_id == merchant.id)
            .order_by(User.name)
        )
    )


def assign_request(found: ContactRequest, agent_id: int | None, merchant) -> None:
    """Give the request to one of the shop's staff, or back to the queue (None)."""
    if agent_id is None:
        found.assignee_id = None
        if found.status == "assigned":
            found.status = "new"
        return
    if agent_id not in {u.id for u in staff_of(merchant)}:
        raise Refused(gettext("Choose someone from this shop's staff."), "agent_id")
    found.assignee_id = agent_id
    if found.status == "new":
        found.status = "assigned"


def resolve_request(found: ContactRequest) -> None:
    found.status = "resolved"
    found.resolved_at = found.resolved_at or utcnow()
