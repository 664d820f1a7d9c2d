"""Invitations to review: planned when an order completes, sent when due, one reminder."""

from __future__ import annotations

from datetime import timedelta

from flask import url_for
from sqlalchemy import select

from storefront import Merchant, OrderItem, Scope, call_hook, db, notify, scope_of, utcnow
from storefront import lazy_gettext as _l

from .models import Review, ReviewInvitation


def plan(order, lines) -> None:
    """Plan an invitation for each completed line where reviews are on (only those reach us)."""
    for item in lines:
        if item.product_id is None:
            continue
        settings = scope_of(item).settings("reviews")
        due = utcnow() + timedelta(days=settings["invite_delay_days"])
        exists = db.session.scalar(
            select(ReviewInvitation.id).where(ReviewInvitation.order_item_id == item.id)
        )
        if not exists:
            db.session.add(
                ReviewInvitation(
                    merchant_id=order.merchant_id,
                    order_item_id=item.id,
                    user_id=order.user_id,
                    due_at=due,
                )
            )
    db.session.flush()
    send_due(order.merchant)


def _skip(item: OrderItem, scope: Scope) -> bool:
    """Already reviewed, or returned (asked of the other plugins through a hook)."""
    if db.session.scalar(select(Review.id).where(Review.order_item_id == item.id)):
        return True
    states = set().union(*(s or set() for s in call_hook("order_item_states", scope, item=item)))
    return "returned" in states


def send_due(merchant: Merchant | None = None, now=None) -> int:
    """Send what is due at `now` (first invitations and reminders); returns how many went out.

    A line whose category has reviews off now gets nothing: its invitation waits, and goes
    out if the shop switches reviews on there again.
    """
    now, sent = now or utcnow(), 0
    query = select(ReviewInvitation).where(
        ReviewInvitation.cancelled.is_(False), ReviewInvitation.due_at <= now
    )
    if merchant is not None:
        query = query.where(ReviewInvitation.merchant_id == merchant.id)
    for invitation in db.session.scalars(query.limit(1000)):
        item = db.session.get(OrderItem, invitation.order_item_id)
        scope = scope_of(item)
        if not scope.enabled("reviews"):
            continue
        reminder_days = scope.settings("reviews")["reminder_days"]
        if invitation.sent_at is None:
            kind = "invite"
        elif (
            reminder_days
            and invitation.reminded_at is None
            and invitation.sent_at + timedelta(days=reminder_days) <= now
        ):
            kind = "reminder"
        else:
            continue
        if _skip(item, scope):
            invitation.cancelled = True
            continue
        title = (
            _l("How is your %(product)s?", product=item.product_name)
            if kind == "invite"
            else _l("A reminder: review your %(product)s", product=item.product_name)
        )
        notify(
            item.order.user,
            title,
            _l("Your review helps other shoppers choose the right size."),
            link=url_for("reviews.write", merchant=item.order.merchant.slug, order_item_id=item.id),
            merchant=item.order.merchant,
            kind=f"reviews.{kind}",
            about=item,
        )
        if kind == "invite":
            invitation.sent_at = now
        else:
            invitation.reminded_at = now
        sent += 1
    return sent
