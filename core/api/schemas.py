"""Pydantic models of the core's API answers: the OpenAPI document is generated from these."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field


class Money(BaseModel):
    amount_minor: int = Field(description="In the currency's smallest unit (fen, cents)")
    currency: str
    formatted: str


class ShopOut(BaseModel):
    slug: str
    name: str
    currency: str
    locale: str
    timezone: str


class CategoryOut(BaseModel):
    slug: str
    name: str
    kind: str = Field(description="bedding, shoes, apparel or other: which plugins suit it")


class ImageOut(BaseModel):
    url: str
    width: int
    height: int
    alt: str


class VariantOut(BaseModel):
    id: int
    sku: str
    size: str | None
    colour: str | None
    label: str
    stock: int
    in_stock: bool
    price: Money


class ProductSummary(BaseModel):
    slug: str
    name: str
    category: CategoryOut
    price: Money
    in_stock: bool
    image: ImageOut | None
    created_at: datetime


class ProductOut(ProductSummary):
    description: str = Field(description="Plain text as the merchant wrote it")
    description_html: str = Field(description="The description rendered from Markdown, safe")
    variants: list[VariantOut]


class Message(BaseModel):
    """An answer that only confirms something happened."""

    message: str
