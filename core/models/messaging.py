"""In-app notifications and the transactional outbox for events."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import JSONType, UTCDateTime, utcnow


class Notification(db.Model):
    __tablename__ = "notification"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    merchant_id: Mapped[int | None] = mapped_column(ForeignKey("merchant.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(64), default="info")
    title: Mapped[str] = mapped_column(String(255))
    body: Mapped[str] = mapped_column(Text, default="")
    link: Mapped[str | None] = mapped_column(String(500))
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    merchant = relationship("Merchant")


class OutboxEvent(db.Model):
    """An event written in the same transaction as the change that caused it."""

    __tablename__ = "outbox_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    merchant_id: Mapped[int | None] = mapped_column(
        ForeignKey("merchant.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(64))
    payload: Mapped[dict] = mapped_column(JSONType, default=dict)
    # pending until its handlers have been fanned out into deliveries
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    deliveries = relationship("EventDelivery", back_populates="event", cascade="all, delete-orphan")


class EventDelivery(db.Model):
    """One handler (plugin) of one event: retried alone, so one failing plugin delays no other."""

    __tablename__ = "event_delivery"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(
        ForeignKey("outbox_event.id", ondelete="CASCADE"), index=True
    )
    plugin: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    last_error: Mapped[str | None] = mapped_column(Text)
    # "host:pid" of the worker that last took it: which process to look at when one hangs
    claimed_by: Mapped[str | None] = mapped_column(String(128))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    event = relationship("OutboxEvent", back_populates="deliveries")
