"""Demo contact requests: one answered and rated, one waiting for a call back."""

from __future__ import annotations

from datetime import timedelta

from storefront import db, utcnow

from .models import ContactMessage, ContactRequest

TEXTS = {
    "en": (
        "Does the duvet cover come in 2.2 m?",
        "Not yet; 2.0 m is our largest.",
        "Please call me about my delivery address.",
    ),
    "zh_CN": (
        "被套有 2.2 米的吗？",
        "暂时没有，最大是 2.0 米。",
        "请给我打电话，想改一下收货地址。",
    ),
}


def seed(merchant, shoppers) -> None:
    if not shoppers:
        return
    question, answer, call = TEXTS["zh_CN" if merchant.locale == "zh_CN" else "en"]
    now = utcnow()
    answered = ContactRequest(
        merchant_id=merchant.id,
        user_id=shoppers[0].id,
        name=shoppers[0].name,
        topic="presale",
        mode="reply",
        status="resolved",
        rating="satisfied",
        created_at=now - timedelta(days=2),
        first_response_at=now - timedelta(days=2) + timedelta(minutes=6),
        resolved_at=now - timedelta(days=1),
        messages=[
            ContactMessage(author_id=shoppers[0].id, body=question),
            ContactMessage(from_shop=True, body=answer),
        ],
    )
    waiting = ContactRequest(
        merchant_id=merchant.id,
        user_id=shoppers[-1].id,
        name=shoppers[-1].name,
        topic="order",
        mode="call",
        phone="+8613800138000",
        window="afternoon",
        created_at=now - timedelta(hours=3),
        messages=[ContactMessage(author_id=shoppers[-1].id, body=call)],
    )
    db.session.add_all([answered, waiting])
