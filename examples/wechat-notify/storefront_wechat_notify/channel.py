"""The channel: turns an inbox notification into a queued WeChat-style message."""

from flask import current_app
from sqlalchemy import select

from storefront import Scope, db

from .models import WechatMessage

MAX_LENGTH = 200  # WeChat template messages are short; longer text is cut with an ellipsis


def compose(signature: str, title: str, link: str | None, base_url: str) -> str:
    text = f"【{signature}】{title}"
    if link:
        text = f"{text} {base_url.rstrip('/')}{link}" if link.startswith("/") else f"{text} {link}"
    return text if len(text) <= MAX_LENGTH else text[: MAX_LENGTH - 1] + "…"


class WechatChannel:
    """The channel for one message; the core offers it only where the plugin is on for it."""

    name = "wechat"

    def __init__(self, scope: Scope | None) -> None:
        self.scope = scope

    def send(self, user, notification) -> None:
        """Queue the message once, when the shopper has a phone."""
        if self.scope is None or notification.merchant_id is None or not user.phone:
            return
        merchant = self.scope.merchant
        settings = self.scope.settings("wechat_notify")
        kinds = {k.strip() for k in settings["kinds"].split(",") if k.strip()}
        if kinds and notification.kind not in kinds:
            return
        exists = db.session.scalar(
            select(WechatMessage.id).where(WechatMessage.notification_id == notification.id)
        )
        if exists:
            return  # a retried delivery must not queue the message twice
        link = notification.link if settings["include_link"] else None
        text = compose(
            settings["signature"],
            notification.title,
            link,
            current_app.config["STOREFRONT_BASE_URL"],
        )
        db.session.add(
            WechatMessage(
                merchant_id=merchant.id,
                user_id=user.id,
                notification_id=notification.id,
                phone=user.phone,
                text=text,
            )
        )
