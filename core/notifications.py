"""Notifications: the in-app inbox (always) plus channels that plugins add (email built in).

This module is also an internal plugin: it delivers each new notification to the channels
returned by the `notification_channels` hook, through the outbox, so a broken SMTP server
never loses a notification or breaks the page that caused it.
"""

from __future__ import annotations

from typing import Any, Protocol

from flask_babel import force_locale
from sqlalchemy import select

from .events import emit
from .extensions import db
from .mail import absolute, send_email
from .models import Membership, Merchant, Notification, User
from .plugin_info import PluginInfo
from .plugin_manager import hookimpl

info = PluginInfo(name="notifications", title="Notifications", internal=True, version="1.0")


class NotificationChannel(Protocol):
    name: str

    def send(self, user: User, notification: Notification) -> None: ...


class EmailChannel:
    """Email by SMTP, or printed to the log in development (`STOREFRONT_EMAIL_BACKEND=console`)."""

    name = "email"

    def send(self, user: User, notification: Notification) -> None:
        body = notification.body
        if notification.link:
            body = f"{body}\n\n{absolute(notification.link)}"
        send_email(user.email, notification.title, body)


@hookimpl
def notification_channels():
    return [EmailChannel()]


@hookimpl
def notification_created(notification: Notification, about: Any):
    """Hand the message to every channel that is on for what it is about."""
    from .dispatch import dispatch
    from .scopes import Scope

    user = db.session.get(User, notification.user_id)
    merchant = (
        db.session.get(Merchant, notification.merchant_id) if notification.merchant_id else None
    )
    scope = Scope(merchant) if merchant is not None else None
    for channels in dispatch("notification_channels", {"about": about}, scope, isolate=False):
        for channel in channels or []:
            channel.send(user, notification)


def _locale_for(user: User, merchant: Merchant | None) -> str:
    return user.locale or (merchant.locale if merchant else None) or "en"


def _text(value: Any) -> str:
    return str(value() if callable(value) else value)


def notify(
    user: User,
    title: Any,
    body: Any = "",
    link: str | None = None,
    merchant: Merchant | None = None,
    kind: str = "info",
    about: Any = None,
) -> Notification:
    """Put a message in a user's inbox, in their language, and queue it for other channels.

    Pass lazy strings (`lazy_gettext`) or callables returning text as title and body: they
    are rendered in the recipient's locale, not the locale of whoever caused the change.
    `about` is the row the message concerns (an order, a product, an order line, a plugin
    record): channels of plugins reach it only where they are on for that row.
    """
    with force_locale(_locale_for(user, merchant)):
        notification = Notification(
            user_id=user.id,
            merchant_id=merchant.id if merchant else None,
            kind=kind,
            title=_text(title)[:255],
            body=_text(body),
            link=link,
        )
    db.session.add(notification)
    db.session.flush()
    emit("notification_created", merchant=merchant, notification=notification, about=about)
    return notification


def notify_staff(
    merchant: Merchant,
    title: Any,
    body: Any = "",
    link: str | None = None,
    kind: str = "info",
    roles: tuple[str, ...] = ("owner", "agent"),
    about: Any = None,
) -> list[Notification]:
    members = db.session.scalars(
        select(User)
        .join(Membership)
        .where(Membership.merchant_id == merchant.id, Membership.role.in_(roles))
    ).all()
    return [notify(m, title, body, link, merchant, kind, about) for m in members]
