"""Reviews, their photos and helpful votes, per-product summaries, and invitations."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storefront import JSONType, OrderItem, Product, UTCDateTime, db, utcnow

REVIEW_STATES = ("pending", "published", "hidden")
FOLLOW_UP_STATES = ("open", "contacted", "resolved")
# Spelled out rather than `!= "resolved"`: an IN list can use ix_reviews_follow_up, and
# SQL's `!=` leaves out NULL (never followed up) just the same.
OUTSTANDING_FOLLOW_UPS = tuple(s for s in FOLLOW_UP_STATES if s != "resolved")


class Review(db.Model):
    """One review per order item: only a shopper who received the product can write it.

    A product page reads its reviews in the order of one of the shop's sorts (see
    queries.SORTS), often deep into a product with 100,000 of them; each sort has an index
    in exactly its order, so page 500 reads 10 rows after skipping index entries instead
    of sorting every review of the product. "lowest" mixes directions (fewest stars, then
    newest), so its index is declared below the class, where the columns can say DESC.
    """

    __tablename__ = "reviews_review"
    __table_args__ = (
        UniqueConstraint("order_item_id", name="uq_reviews_order_item"),
        # "newest" (the id that breaks ties is the rowid in SQLite, an incremental sort of
        # equal timestamps in PostgreSQL).
        Index("ix_reviews_product_list", "product_id", "status", "created_at", "id"),
        # "highest" read backwards, and one star rating's reviews newest first.
        Index(
            "ix_reviews_product_stars_newest", "product_id", "status", "stars", "created_at", "id"
        ),
        # "helpful", read backwards.
        Index("ix_reviews_product_helpful", "product_id", "status", "helpful_count", "id"),
        # The moderation queue's tabs and the dashboard's recent reviews.
        Index("ix_reviews_queue", "merchant_id", "status", "created_at"),
        # Bad reviews still to follow up: the dashboard card and the queue's "negative" tab.
        Index("ix_reviews_follow_up", "merchant_id", "follow_up", "stars"),
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

    @property
    def scope_subject(self) -> Product:
        """A review is about the product it reviews (in that product's category scope)."""
        return self.product


# "lowest": fewest stars first, newest first among equal stars.
Index(
    "ix_reviews_product_lowest",
    Review.product_id,
    Review.status,
    Review.stars,
    Review.created_at.desc(),
    Review.id.desc(),
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
    # Indexed: the admin queue adds up the shop's published reviews from these rows.
    merchant_id: Mapped[int] = mapped_column(
        ForeignKey("merchant.id", ondelete="CASCADE"), index=True
    )
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

    order_item = relationship("OrderItem")

    @property
    def scope_subject(self) -> OrderItem:
        """An invitation is about its order line: sent, and readable, where reviews are on."""
        return self.order_item
