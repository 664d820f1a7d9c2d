"""FAQ tables: entries per shop/category/product, votes, shoppers' questions, size guides."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storefront import Category, JSONType, Product, UTCDateTime, db, utcnow

TOPICS = ("material", "care", "sizing", "shipping", "returns", "payment")
QUESTION_STATES = ("open", "answered", "rejected")


class FaqEntry(db.Model):
    """One question and its answer; `product_id` or `category_id` narrow where it shows."""

    __tablename__ = "faq_entry"
    __table_args__ = (Index("ix_faq_entry_merchant_published", "merchant_id", "published"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    merchant_id: Mapped[int] = mapped_column(ForeignKey("merchant.id", ondelete="CASCADE"))
    category_id: Mapped[int | None] = mapped_column(ForeignKey("category.id", ondelete="CASCADE"))
    product_id: Mapped[int | None] = mapped_column(ForeignKey("product.id", ondelete="CASCADE"))
    topic: Mapped[str] = mapped_column(String(16), default="material")
    question: Mapped[str] = mapped_column(String(300))
    answer: Mapped[str] = mapped_column(Text)
    # Lower-cased question and answer: substring search works for Chinese (no word spaces)
    # on SQLite and PostgreSQL alike.
    search_text: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(Integer, default=0)
    published: Mapped[bool] = mapped_column(Boolean, default=True)
    helpful: Mapped[int] = mapped_column(Integer, default=0)
    not_helpful: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    category = relationship("Category")
    product = relationship("Product")

    def index_text(self) -> None:
        self.search_text = f"{self.question}\n{self.answer}".lower()

    @property
    def scope_kind(self) -> str:
        return "product" if self.product_id else "category" if self.category_id else "shop"

    @property
    def scope_subject(self) -> Product | Category | None:
        """An answer about a product or a category is offered where the FAQ is on for it."""
        return self.product if self.product_id else self.category


class FaqVote(db.Model):
    """One "was this helpful?" per entry and voter (a shopper's id or a browser's token)."""

    __tablename__ = "faq_vote"
    __table_args__ = (UniqueConstraint("entry_id", "voter", name="uq_faq_vote_voter"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("faq_entry.id", ondelete="CASCADE"))
    voter: Mapped[str] = mapped_column(String(64))
    helpful: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class FaqQuestion(db.Model):
    """A shopper's own question: private to them until the shop answers and publishes it."""

    __tablename__ = "faq_question"
    __table_args__ = (Index("ix_faq_question_queue", "merchant_id", "status", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    merchant_id: Mapped[int] = mapped_column(ForeignKey("merchant.id", ondelete="CASCADE"))
    product_id: Mapped[int | None] = mapped_column(ForeignKey("product.id", ondelete="SET NULL"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(Text)
    answer: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="open")
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("faq_entry.id", ondelete="SET NULL"))
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    product = relationship("Product")
    user = relationship("User", foreign_keys=[user_id])

    @property
    def scope_subject(self) -> Product | None:
        """A question about a product is in that product's scope (shop-wide once it is gone)."""
        return self.product


class FaqSizeGuide(db.Model):
    """A category's own size table, replacing the default table of its kind."""

    __tablename__ = "faq_size_guide"
    __table_args__ = (UniqueConstraint("merchant_id", "category_id", name="uq_faq_size_guide"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    merchant_id: Mapped[int] = mapped_column(ForeignKey("merchant.id", ondelete="CASCADE"))
    category_id: Mapped[int] = mapped_column(ForeignKey("category.id", ondelete="CASCADE"))
    table: Mapped[dict] = mapped_column(JSONType)
    note: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    category = relationship("Category")

    @property
    def scope_subject(self) -> Category:
        """A size table belongs to its category's scope."""
        return self.category
