"""Contact requests: business-time targets, automatic replies, assignment, conversation."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import url_for
from sqlalchemy import func, select

from storefront import Membership, Scope, User, db, notify, notify_staff, utcnow
from storefront import lazy_gettext as _l

from .business_time import BusinessHours
from .models import ContactMessage, ContactRequest


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
