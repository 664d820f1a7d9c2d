"""Reviews, their photos and helpful votes, per-product summaries, and invitations."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storefront import JSONType, UTCDateTime, db, utcnow

REVIEW_STATES = ("pending", "published", "hidden")
FOLLOW_UP_STATES = ("open", "contacted", "resolved")


class Review(db.Model):
    """One review per order item: only a shopper who received the product can write it."""

    __tablename__ = "reviews_review"
    __table_args__ = (
        UniqueConstraint("order_item_id", name="uq_reviews_order_item"),
        Index("ix_reviews_product_list", "product_id", "status", "created_at"),
        Index("ix_reviews_product_stars", "product_id", "status", "stars"),
        Index("ix_reviews_queue", "merchant_id", "status", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    merchant_id: Mapped[int] = mapped_column(ForeignKey("merchant.id", ondelete="CASCADE"))
    product_id: Mapped[int] = mapped_column(ForeignKey("product.id", ondelete="CASCADE"))
    order_item_id: Mapped[int] = mapped_column(ForeignKey("order_item.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    stars: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(120))
    body: Mapped[str] = mapped_column(Text, default="")
    answers: Mapped[dict] = mapped_column(JSONType, default=dict)
    status: Mapped[str] = mapped_column(String(16), default="published")
    hold_reason: Mapped[str | None] = mapped_column(String(64))
    helpful_count: Mapped[int] = mapped_column(Integer, default=0)
    photo_count: Mapped[int] = mapped_column(Integer, default=0)
    reply: Mapped[str | None] = mapped_column(Text)
    replied_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    note: Mapped[str | None] = mapped_column(Text)
    follow_up: Mapped[str | None] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    user = relationship("User")
    product = relationship("Product")
    order_item = relationship("OrderItem")
    photos = relationship(
        "ReviewPhoto", cascade="all, delete-orphan", order_by="ReviewPhoto.position"
    )


class ReviewPhoto(db.Model):
    __tablename__ = "reviews_photo"

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(
        ForeignKey("reviews_review.id", ondelete="CASCADE"), index=True
    )
    upload_id: Mapped[int] = mapped_column(ForeignKey("upload.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer, default=0)

    upload = relationship("Upload", lazy="joined")


class ReviewVote(db.Model):
    __tablename__ = "reviews_vote"
    __table_args__ = (UniqueConstraint("review_id", "voter", name="uq_reviews_vote"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews_review.id", ondelete="CASCADE"))
    voter: Mapped[str] = mapped_column(String(64))


class ReviewSummary(db.Model):
    """Published reviews of one product, kept in step on every write.

    A product page with 100,000 reviews reads one row instead of aggregating them.
    """

    __tablename__ = "reviews_summary"

    product_id: Mapped[int] = mapped_column(
        ForeignKey("product.id", ondelete="CASCADE"), primary_key=True
    )
    merchant_id: Mapped[int] = mapped_column(ForeignKey("merchant.id", ondelete="CASCADE"))
    count: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[int] = mapped_column(Integer, default=0)
    histogram: Mapped[dict] = mapped_column(JSONType, default=dict)  # "1".."5" -> count
    answers: Mapped[dict] = mapped_column(JSONType, default=dict)  # "fit" -> {"small": n, ...}
    with_photos: Mapped[int] = mapped_column(Integer, default=0)

    @property
    def average(self) -> float:
        return round(self.total / self.count, 1) if self.count else 0.0


class ReviewInvitation(db.Model):
    """An invitation to review one order item, sent when due, with at most one reminder."""

    __tablename__ = "reviews_invitation"
    __table_args__ = (UniqueConstraint("order_item_id", name="uq_reviews_invitation_item"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    merchant_id: Mapped[int] = mapped_column(ForeignKey("merchant.id", ondelete="CASCADE"))
    order_item_id: Mapped[int] = mapped_column(ForeignKey("order_item.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    due_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled: Mapped[bool] = mapped_column(Boolean, default=False)
