"""Shops, categories and products: what a mini-program's first screens need."""

from __future__ import annotations

from flask import g
from pydantic import BaseModel, Field
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ..dispatch import call_hook
from ..extensions import db
from ..models import Category, Merchant, Product
from ..scopes import Scope
from ..tenancy import tenant_select
from .errors import ApiError
from .paging import Page, PageQuery, keyset
from .presenters import category_out, product_out, product_summary, shop_out
from .root import api_bp
from .schemas import CategoryOut, ProductOut, ProductSummary, ShopOut
from .spec import answers, api_spec

SHOP = "/shops/<merchant>"


class ShopPage(Page[ShopOut]):
    pass


class ProductPage(Page[ProductSummary]):
    pass


class CategoryList(BaseModel):
    items: list[CategoryOut]


class ProductQuery(PageQuery):
    category: str | None = Field(None, max_length=64, description="A category's slug")
    q: str | None = Field(None, max_length=100, description="Words in the product's name")


@api_bp.get("/shops")
@api_spec.validate(query=PageQuery, resp=answers(HTTP_200=ShopPage), tags=["catalogue"])
def shops(query: PageQuery):
    """Every shop on this Storefront."""
    rows, cursor = keyset(select(Merchant), [Merchant.id], query, descending=False)
    return ShopPage(items=[shop_out(m) for m in rows], next_cursor=cursor)


@api_bp.get(SHOP)
@api_spec.validate(resp=answers(HTTP_200=ShopOut), tags=["catalogue"])
def shop():
    """One shop: its name, currency, language and time zone."""
    return shop_out(g.merchant)


@api_bp.get(f"{SHOP}/categories")
@api_spec.validate(resp=answers(HTTP_200=CategoryList), tags=["catalogue"])
def categories():
    """The shop's categories in the merchant's order."""
    rows = db.session.scalars(tenant_select(Category).order_by(Category.position, Category.id))
    return CategoryList(items=[category_out(c) for c in rows])


def _escaped(terms: str) -> str:
    return terms.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


@api_bp.get(f"{SHOP}/products")
@api_spec.validate(query=ProductQuery, resp=answers(HTTP_200=ProductPage), tags=["catalogue"])
def products(query: ProductQuery):
    """Products on sale, newest first; narrow by category or by words of the name."""
    listing = (
        tenant_select(Product)
        .where(Product.active.is_(True))
        .options(
            selectinload(Product.image),
            selectinload(Product.variants),
            selectinload(Product.category),
        )
    )
    if query.category:
        category = db.session.scalar(tenant_select(Category).where(Category.slug == query.category))
        if category is None:
            raise ApiError(404, field="category")
        listing = listing.where(Product.category_id == category.id)
    terms = (query.q or "").strip()
    if terms:
        listing = listing.where(func.lower(Product.name).like(f"%{_escaped(terms)}%", escape="\\"))
    rows, cursor = keyset(listing, [Product.id], query)
    call_hook("product_list_loaded", products=rows)
    return ProductPage(items=[product_summary(p) for p in rows], next_cursor=cursor)


def product_by_slug(slug: str) -> Product:
    """An active product of this shop, or a JSON 404; the page's scope becomes its category's."""
    product = db.session.scalar(
        tenant_select(Product)
        .where(Product.slug == slug, Product.active.is_(True))
        .options(
            selectinload(Product.variants),
            selectinload(Product.image),
            selectinload(Product.category),
        )
    )
    if product is None:
        raise ApiError(404)
    g.scope = Scope(g.merchant, product.category)
    return product


@api_bp.get(f"{SHOP}/products/<product_slug>")
@api_spec.validate(resp=answers(HTTP_200=ProductOut), tags=["catalogue"])
def product(product_slug: str):
    """One product with its variants, stock and price per variant."""
    return product_out(product_by_slug(product_slug))
