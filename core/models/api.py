"""What the JSON API keeps: merchant API keys, replayable answers and the shopper's stored cart."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import JSONType, UTCDateTime, utcnow

# What a merchant API key may be allowed to do; each write endpoint names one.
API_KEY_SCOPES = (
    "orders:read",
    "orders:write",
    "returns:write",
    "reviews:write",
    "questions:write",
    "contact:write",
    "plugins:read",
    "plugins:write",
)


class ApiKey(db.Model):
    """A merchant's key for its own systems. Only a digest is kept; the key is shown once.

    The key acts as the staff member who created it, so it stops working when they leave
    the shop, and every change it makes is recorded under their name.
    """

    __tablename__ = "api_key"

    id: Mapped[int] = mapped_column(primary_key=True)
    merchant_id: Mapped[int] = mapped_column(
        ForeignKey("merchant.id", ondelete="CASCADE"), index=True
    )
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(80))
    token_digest: Mapped[str] = mapped_column(String(64), unique=True)
    hint: Mapped[str] = mapped_column(String(12))
    scopes: Mapped[list] = mapped_column(JSONType, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    created_by = relationship("User")

    def allows(self, scope: str) -> bool:
        return self.revoked_at is None and scope in (self.scopes or [])


class IdempotentAnswer(db.Model):
    """The first answer to a write sent with an `Idempotency-Key`, replayed to its retries.

    `status` is None while the first request is still being served.
    """

    __tablename__ = "idempotent_answer"
    __table_args__ = (UniqueConstraint("caller", "key", name="uq_idempotent_answer_caller_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    caller: Mapped[str] = mapped_column(String(40))
    key: Mapped[str] = mapped_column(String(100))
    fingerprint: Mapped[str] = mapped_column(String(64))
    status: Mapped[int | None] = mapped_column(Integer)
    body: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


class StoredCartItem(db.Model):
    """A line of a signed-in shopper's cart kept on the server, for API clients (no cookies)."""

    __tablename__ = "stored_cart_item"
    __table_args__ = (
        UniqueConstraint("user_id", "merchant_id", "variant_id", name="uq_stored_cart_line"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    merchant_id: Mapped[int] = mapped_column(ForeignKey("merchant.id", ondelete="CASCADE"))
    variant_id: Mapped[int] = mapped_column(ForeignKey("variant.id", ondelete="CASCADE"))
    quantity: Mapped[int] = mapped_column(Integer)
