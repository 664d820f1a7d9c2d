"""Return and exchange requests, their lines, photos and full history."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storefront import UTCDateTime, db, utcnow

STATES = (
    "requested",
    "approved",
    "rejected",
    "shipped_back",
    "received",
    "refunded",
    "exchanged",
    "cancelled",
)
OPEN_STATES = ("requested", "approved", "shipped_back", "received")


class ReturnRequest(db.Model):
    __tablename__ = "returns_request"
    __table_args__ = (Index("ix_returns_queue", "merchant_id", "status", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    merchant_id: Mapped[int] = mapped_column(ForeignKey("merchant.id", ondelete="CASCADE"))
    order_id: Mapped[int] = mapped_column(ForeignKey("order.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    rma: Mapped[str] = mapped_column(String(32), unique=True)
    kind: Mapped[str] = mapped_column(String(16))  # refund | exchange
    reason: Mapped[str] = mapped_column(String(32))
    description: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default="requested")
    shipping_paid_by: Mapped[str] = mapped_column(String(16), default="shopper")
    refund_minor: Mapped[int | None] = mapped_column(Integer)
    return_carrier: Mapped[str | None] = mapped_column(String(64))
    return_tracking: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    order = relationship("Order")
    user = relationship("User")
    items = relationship("ReturnItem", cascade="all, delete-orphan", lazy="selectin")
    photos = relationship("ReturnPhoto", cascade="all, delete-orphan", lazy="selectin")
    events = relationship(
        "ReturnEvent", cascade="all, delete-orphan", order_by="ReturnEvent.id", lazy="selectin"
    )

    @property
    def scope_subject(self):
        """A request is about its first order line (all its lines are of one order)."""
        return self.items[0].order_item if self.items else self.order

    @property
    def value_minor(self) -> int:
        return sum(i.order_item.unit_price_minor * i.quantity for i in self.items)


class ReturnItem(db.Model):
    __tablename__ = "returns_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("returns_request.id", ondelete="CASCADE"), index=True
    )
    order_item_id: Mapped[int] = mapped_column(
        ForeignKey("order_item.id", ondelete="CASCADE"), index=True
    )
    quantity: Mapped[int] = mapped_column(Integer)
    exchange_variant_id: Mapped[int | None] = mapped_column(
        ForeignKey("variant.id", ondelete="SET NULL")
    )

    order_item = relationship("OrderItem", lazy="joined")
    exchange_variant = relationship("Variant", lazy="joined")

    @property
    def scope_subject(self):
        return self.order_item


class ReturnPhoto(db.Model):
    __tablename__ = "returns_photo"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("returns_request.id", ondelete="CASCADE"), index=True
    )
    upload_id: Mapped[int] = mapped_column(ForeignKey("upload.id", ondelete="CASCADE"))

    upload = relationship("Upload", lazy="joined")


class ReturnEvent(db.Model):
    __tablename__ = "returns_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("returns_request.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[str] = mapped_column(String(16))
    actor_label: Mapped[str] = mapped_column(String(120))
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
