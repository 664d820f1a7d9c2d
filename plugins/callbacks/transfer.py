"""Moving a shop's contact requests between installations."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select

from storefront import Order, User, db

from .models import CannedReply, ContactMessage, ContactRequest

FIELDS = (
    "name",
    "phone",
    "topic",
    "mode",
    "window",
    "status",
    "attempts",
    "escalated",
    "rating",
    "rating_comment",
)
TIMES = ("first_response_at", "resolved_at", "created_at")


def _email(user_id):
    return db.session.get(User, user_id).email if user_id else None


def export_rows(merchant) -> dict[str, Any]:
    found = db.session.scalars(
        select(ContactRequest).where(ContactRequest.merchant_id == merchant.id)
    )
    canned = db.session.scalars(select(CannedReply).where(CannedReply.merchant_id == merchant.id))
    return {
        "requests": [
            {
                **{f: getattr(r, f) for f in FIELDS},
                **{t: getattr(r, t).isoformat() if getattr(r, t) else None for t in TIMES},
                "user": _email(r.user_id),
                "assignee": _email(r.assignee_id),
                "order": r.order.number if r.order else None,
                "messages": [
                    {
                        "author": _email(m.author_id),
                        "from_shop": m.from_shop,
                        "automatic": m.automatic,
                        "body": m.body,
                        "at": m.created_at.isoformat(),
                    }
                    for m in r.messages
                ],
            }
            for r in found
        ],
        "canned": [{"title": c.title, "body": c.body} for c in canned],
    }


def import_rows(merchant, data: dict[str, Any] | None) -> None:
    data = data or {}

    def user_id(email):
        return db.session.scalar(select(User.id).where(User.email == email)) if email else None

    for row in data.get("requests", []):
        order_id = (
            db.session.scalar(
                select(Order.id).where(
                    Order.merchant_id == merchant.id, Order.number == row["order"]
                )
            )
            if row.get("order")
            else None
        )
        request = ContactRequest(
            merchant_id=merchant.id,
            user_id=user_id(row["user"]),
            assignee_id=user_id(row["assignee"]),
            order_id=order_id,
            **{f: row.get(f) for f in FIELDS},
            **{t: datetime.fromisoformat(row[t]) if row.get(t) else None for t in TIMES},
        )
        request.messages = [
            ContactMessage(
                author_id=user_id(m["author"]),
                from_shop=m["from_shop"],
                automatic=m["automatic"],
                body=m["body"],
                created_at=datetime.fromisoformat(m["at"]),
            )
            for m in row["messages"]
        ]
        db.session.add(request)
    for row in data.get("canned", []):
        db.session.add(CannedReply(merchant_id=merchant.id, title=row["title"], body=row["body"]))
