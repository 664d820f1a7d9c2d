"""Shop directory, home, category and product pages."""

from __future__ import annotations

from flask import abort, current_app, g, request
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ..dispatch import call_hook
from ..extensions import db
from ..inputs import page_number
from ..models import Merchant, Product
from ..rendering import render_template
from ..scopes import Scope
from ..tenancy import category_by_slug, tenant_select
from .blueprint import shop_bp
from .forms import AddToCartForm


def _listing(query, page: int, per_page: int):
    query = query.where(Product.active.is_(True)).options(
        selectinload(Product.image), selectinload(Product.variants), selectinload(Product.category)
    )
    return db.paginate(
        query.order_by(Product.id), page=page, per_page=per_page, error_out=False, count=True
    )


@shop_bp.route("/")
def directory():
    merchants = db.session.scalars(select(Merchant).order_by(Merchant.name)).all()
    return render_template("shop/directory.html", merchants=merchants)


@shop_bp.route("/shop/<merchant>/")
def home():
    page = db.paginate(
        tenant_select(Product)
        .where(Product.active.is_(True))
        .options(
            selectinload(Product.image),
            selectinload(Product.variants),
            selectinload(Product.category),
        )
        .order_by(Product.created_at.desc(), Product.id.desc()),
        page=1,
        per_page=8,
        error_out=False,
        count=False,
    )
    products = list(page.items)
    call_hook("product_list_loaded", products=products)
    return render_template("shop/home.html", products=products)


@shop_bp.route("/shop/<merchant>/c/<category_slug>")
def category(category_slug: str):
    category = category_by_slug(category_slug)
    g.scope = Scope(g.merchant, category)
    pagination = _listing(
        tenant_select(Product).where(Product.category_id == category.id),
        page_number(),
        current_app.config["PAGE_SIZE"],
    )
    products = list(pagination.items)
    call_hook("product_list_loaded", products=products)
    return render_template(
        "shop/category.html", category=category, pagination=pagination, products=products
    )


@shop_bp.route("/shop/<merchant>/search")
def search():
    terms = (request.args.get("q") or "").strip()[:100]
    pagination = None
    products: list[Product] = []
    if terms:
        escaped = terms.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        pagination = _listing(
            tenant_select(Product).where(
                func.lower(Product.name).like(f"%{escaped}%", escape="\\")
            ),
            page_number(),
            current_app.config["PAGE_SIZE"],
        )
        products = list(pagination.items)
        call_hook("product_list_loaded", products=products)
    return render_template(
        "shop/search.html", terms=terms, pagination=pagination, products=products
    )


def product_by_slug(slug: str) -> Product:
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
        abort(404)
    return product


def variant_choices(product: Product) -> list[tuple[int, str]]:
    return [(v.id, v.label) for v in product.variants]


@shop_bp.route("/shop/<merchant>/p/<product_slug>")
def product(product_slug: str):
    product = product_by_slug(product_slug)
    g.scope = Scope(g.merchant, product.category)
    form = AddToCartForm()
    form.variant.choices = variant_choices(product)
    in_stock_first = next((v for v in product.variants if v.stock > 0), None)
    if in_stock_first:
        form.variant.data = in_stock_first.id
    return render_template(
        "shop/product.html", product=product, form=form, category=product.category
    )
