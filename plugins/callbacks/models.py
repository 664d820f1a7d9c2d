"""Contact requests, their conversation, call attempts and canned replies."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storefront import UTCDateTime, db, utcnow

TOPICS = ("presale", "order", "return", "complaint", "other")
STATES = ("new", "assigned", "waiting", "called", "resolved")
OPEN_STATES = ("new", "assigned", "waiting", "called")
OUTCOMES = ("reached", "no_answer", "busy", "wrong_number")


class ContactRequest(db.Model):
    __tablename__ = "callbacks_request"
    __table_args__ = (
        Index("ix_callbacks_queue", "merchant_id", "status", "created_at"),
        # A shopper's messages, newest first, read in index order and counted from the index
        # alone; it leads with user_id, so it also serves what a user_id index did.
        Index("ix_callbacks_mine", "user_id", "merchant_id", "created_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    merchant_id: Mapped[int] = mapped_column(ForeignKey("merchant.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    name: Mapped[str] = mapped_column(String(120))
    phone: Mapped[str | None] = mapped_column(String(32))
    topic: Mapped[str] = mapped_column(String(16))
    mode: Mapped[str] = mapped_column(String(8))  # call | reply
    window: Mapped[str | None] = mapped_column(String(16))
    order_id: Mapped[int | None] = mapped_column(ForeignKey("order.id", ondelete="SET NULL"))
    product_id: Mapped[int | None] = mapped_column(ForeignKey("product.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(16), default="new")
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    escalated: Mapped[bool] = mapped_column(Boolean, default=False)
    first_response_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    rating: Mapped[str | None] = mapped_column(String(16))  # satisfied | unsatisfied
    rating_comment: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user = relationship("User", foreign_keys=[user_id])
    assignee = relationship("User", foreign_keys=[assignee_id])
    order = relationship("Order")
    product = relationship("Product")
    messages = relationship(
        "ContactMessage",
        cascade="all, delete-orphan",
        order_by="ContactMessage.id",
        lazy="selectin",
    )
    attempts_log = relationship(
        "CallAttempt", cascade="all, delete-orphan", order_by="CallAttempt.id", lazy="selectin"
    )

    @property
    def scope_subject(self):
        """What the request is about: its product, else its order; None for the shop as a whole."""
        return self.product or self.order


class ContactMessage(db.Model):
    __tablename__ = "callbacks_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("callbacks_request.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    from_shop: Mapped[bool] = mapped_column(Boolean, default=False)
    automatic: Mapped[bool] = mapped_column(Boolean, default=False)
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    author = relationship("User")


class CallAttempt(db.Model):
    __tablename__ = "callbacks_attempt"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("callbacks_request.id", ondelete="CASCADE"), index=True
    )
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    outcome: Mapped[str] = mapped_column(String(16))
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    agent = relationship("User")


class CannedReply(db.Model):
    __tablename__ = "callbacks_canned"

    id: Mapped[int] = mapped_column(primary_key=True)
    merchant_id: Mapped[int] = mapped_column(
        ForeignKey("merchant.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(120))
    body: Mapped[str] = mapped_column(Text)
