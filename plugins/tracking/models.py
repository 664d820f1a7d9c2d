"""Shipments of an order, the items in each parcel, and the carrier's events."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storefront import UTCDateTime, db, scope_of, utcnow

# An aggregator's event id is kept whole, up to this length, and a longer one is refused
# (the webhook answers a 400 naming `id`): cut short, two ids sharing their first
# characters would be one event, and the second would be dropped as a redelivery.
EVENT_ID_LENGTH = 255


class Shipment(db.Model):
    __tablename__ = "tracking_shipment"
    __table_args__ = (
        Index("ix_tracking_shipment_number", "merchant_id", "tracking_number"),
        Index("ix_tracking_shipment_status", "merchant_id", "status", "last_event_at"),
        # The shipments list and its one-status tabs, newest first: a page is read in index
        # order instead of sorting every parcel of the shop; holding id, the tie-breaker,
        # spares PostgreSQL a sort too.
        Index("ix_tracking_shipment_newest", "merchant_id", "created_at", "id"),
        Index("ix_tracking_shipment_status_newest", "merchant_id", "status", "created_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    merchant_id: Mapped[int] = mapped_column(ForeignKey("merchant.id", ondelete="CASCADE"))
    order_id: Mapped[int] = mapped_column(ForeignKey("order.id", ondelete="CASCADE"), index=True)
    carrier: Mapped[str] = mapped_column(String(32))
    tracking_number: Mapped[str] = mapped_column(String(64))
    reference: Mapped[str | None] = mapped_column(String(64))  # e.g. the RMA of an exchange
    status: Mapped[str] = mapped_column(String(24), default="pending")
    eta: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_event_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    alerted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # staff told it is late
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    order = relationship("Order")
    items = relationship("ShipmentItem", cascade="all, delete-orphan", lazy="selectin")
    # Read only where a timeline is shown (`shipping.parcels_of`): a parcel's history
    # grows with every carrier event, and recording one more must not load it.
    events = relationship(
        "TrackingEvent",
        cascade="all, delete-orphan",
        order_by="(TrackingEvent.occurred_at.desc(), TrackingEvent.id.desc())",
        lazy="select",
    )

    @property
    def scope_subject(self):
        """A parcel concerns its lines: the first where tracking is on, else its first line.

        So a parcel acts, and is read, in the scope of a line tracking still serves, and a
        parcel of lines tracking no longer serves reads as retired. Lines come by id: the
        same "first" as the database's in `queries`.
        """
        lines = sorted((item.order_item for item in self.items), key=lambda line: line.id)
        tracked = (line for line in lines if scope_of(line).enabled("tracking"))
        return next(tracked, lines[0] if lines else self.order)


class ShipmentItem(db.Model):
    __tablename__ = "tracking_shipment_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    shipment_id: Mapped[int] = mapped_column(
        ForeignKey("tracking_shipment.id", ondelete="CASCADE"), index=True
    )
    order_item_id: Mapped[int] = mapped_column(ForeignKey("order_item.id", ondelete="CASCADE"))
    quantity: Mapped[int] = mapped_column(Integer, default=1)

    order_item = relationship("OrderItem", lazy="joined")


class TrackingEvent(db.Model):
    """One carrier event; `external_id` makes a redelivered webhook a no-op.

    The unique constraint is also the index the redelivery check looks the id up in.
    """

    __tablename__ = "tracking_event"
    __table_args__ = (UniqueConstraint("shipment_id", "external_id", name="uq_tracking_event_ext"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    shipment_id: Mapped[int] = mapped_column(
        ForeignKey("tracking_shipment.id", ondelete="CASCADE"), index=True
    )
    external_id: Mapped[str | None] = mapped_column(String(EVENT_ID_LENGTH))
    status: Mapped[str] = mapped_column(String(24))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)
    location: Mapped[str] = mapped_column(String(200), default="")
    message: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(String(16), default="webhook")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
