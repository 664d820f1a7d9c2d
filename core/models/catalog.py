"""Catalogue: categories of a kind (bedding, shoes, apparel, other), products and their variants."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import UTCDateTime, utcnow

CATEGORY_KINDS = ("bedding", "shoes", "apparel", "other")


class Category(db.Model):
    __tablename__ = "category"
    __table_args__ = (UniqueConstraint("merchant_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    merchant_id: Mapped[int] = mapped_column(
        ForeignKey("merchant.id", ondelete="CASCADE"), index=True
    )
    slug: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(16), default="other")
    position: Mapped[int] = mapped_column(Integer, default=0)

    merchant = relationship("Merchant", back_populates="categories")


class Product(db.Model):
    __tablename__ = "product"
    __table_args__ = (UniqueConstraint("merchant_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    merchant_id: Mapped[int] = mapped_column(
        ForeignKey("merchant.id", ondelete="CASCADE"), index=True
    )
    category_id: Mapped[int] = mapped_column(ForeignKey("category.id"), index=True)
    slug: Mapped[str] = mapped_column(String(120))
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    price_minor: Mapped[int] = mapped_column(Integer)
    image_id: Mapped[int | None] = mapped_column(ForeignKey("upload.id", ondelete="SET NULL"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    category = relationship("Category")
    image = relationship("Upload")
    variants = relationship(
        "Variant", back_populates="product", cascade="all, delete-orphan", order_by="Variant.id"
    )

    @property
    def in_stock(self) -> bool:
        return any(v.stock > 0 for v in self.variants)


class Variant(db.Model):
    __tablename__ = "variant"
    __table_args__ = (
        UniqueConstraint("product_id", "sku"),
        CheckConstraint("stock >= 0", name="variant_stock_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(
        ForeignKey("product.id", ondelete="CASCADE"), index=True
    )
    sku: Mapped[str] = mapped_column(String(64))
    size: Mapped[str | None] = mapped_column(String(32))
    colour: Mapped[str | None] = mapped_column(String(32))
    stock: Mapped[int] = mapped_column(Integer, default=0)
    price_minor: Mapped[int | None] = mapped_column(Integer)

    product = relationship("Product", back_populates="variants")

    @property
    def effective_price(self) -> int:
        return self.price_minor if self.price_minor is not None else self.product.price_minor

    @property
    def label(self) -> str:
        return " / ".join(p for p in (self.size, self.colour) if p) or self.sku
