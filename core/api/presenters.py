"""Core objects as API answers, the same figures the pages show (prices formatted per shop)."""

from __future__ import annotations

from flask import g, url_for

from ..formatting import markdown, money
from ..models import Category, Merchant, Product, Upload, Variant
from .schemas import CategoryOut, ImageOut, Money, ProductOut, ProductSummary, ShopOut, VariantOut


def money_of(amount_minor: int, currency: str) -> Money:
    formatted = money(amount_minor, currency)
    return Money(amount_minor=amount_minor, currency=currency, formatted=formatted)


def shop_out(merchant: Merchant) -> ShopOut:
    return ShopOut(
        slug=merchant.slug,
        name=merchant.name,
        currency=merchant.currency,
        locale=merchant.locale,
        timezone=merchant.timezone,
    )


def category_out(category: Category) -> CategoryOut:
    return CategoryOut(slug=category.slug, name=category.name, kind=category.kind)


def image_out(upload: Upload | None, alt: str) -> ImageOut | None:
    if upload is None:
        return None
    return ImageOut(
        url=url_for("uploads.serve", token=upload.token, _external=True),
        width=upload.width,
        height=upload.height,
        alt=alt,
    )


def variant_out(variant: Variant, currency: str) -> VariantOut:
    return VariantOut(
        id=variant.id,
        sku=variant.sku,
        size=variant.size,
        colour=variant.colour,
        label=variant.label,
        stock=max(variant.stock, 0),
        in_stock=variant.stock > 0,
        price=money_of(variant.effective_price, currency),
    )


def product_summary(product: Product) -> ProductSummary:
    currency = g.merchant.currency
    return ProductSummary(
        slug=product.slug,
        name=product.name,
        category=category_out(product.category),
        price=money_of(product.price_minor, currency),
        in_stock=product.in_stock,
        image=image_out(product.image, product.name),
        created_at=product.created_at,
    )


def product_out(product: Product) -> ProductOut:
    currency = g.merchant.currency
    return ProductOut(
        **product_summary(product).model_dump(),
        description=product.description or "",
        description_html=str(markdown(product.description or "")),
        variants=[variant_out(v, currency) for v in product.variants],
    )
