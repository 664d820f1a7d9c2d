"""Merchants (tenants) and the staff who work for them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import JSONType, UTCDateTime, utcnow

ROLES = ("owner", "agent")

DEFAULT_BUSINESS_HOURS = {
    "mon": ["09:00", "18:00"],
    "tue": ["09:00", "18:00"],
    "wed": ["09:00", "18:00"],
    "thu": ["09:00", "18:00"],
    "fri": ["09:00", "18:00"],
    "sat": ["10:00", "16:00"],
    "sun": None,
}


class Merchant(db.Model):
    __tablename__ = "merchant"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    name: Mapped[str] = mapped_column(String(120))
    theme: Mapped[str] = mapped_column(String(64), default="default")
    timezone: Mapped[str] = mapped_column(String(64), default="Asia/Shanghai")
    locale: Mapped[str] = mapped_column(String(16), default="en")
    currency: Mapped[str] = mapped_column(String(3), default="CNY")
    contact_email: Mapped[str | None] = mapped_column(String(255))
    return_address: Mapped[str | None] = mapped_column(String(500))
    business_hours: Mapped[dict] = mapped_column(
        JSONType, default=lambda: dict(DEFAULT_BUSINESS_HOURS)
    )
    # Web origins (https://shop.example) whose pages may call the JSON API from a browser
    api_origins: Mapped[list | None] = mapped_column(JSONType)
    # Bumped on every plugin-setting change so that every process drops its cached settings.
    settings_version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    categories = relationship(
        "Category", back_populates="merchant", order_by="Category.position", lazy="select"
    )

    def __repr__(self) -> str:
        return f"<Merchant {self.slug}>"


class Membership(db.Model):
    """Staff membership: a user works for a merchant as owner or agent."""

    __tablename__ = "membership"
    __table_args__ = (UniqueConstraint("user_id", "merchant_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    merchant_id: Mapped[int] = mapped_column(
        ForeignKey("merchant.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[str] = mapped_column(String(16), default="agent")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user = relationship("User", back_populates="memberships")
    merchant = relationship("Merchant")
