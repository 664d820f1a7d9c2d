"""Products: list, create and edit them, their picture and their variants' stock."""

from __future__ import annotations

from flask import abort, flash, g, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..inputs import page_number, whole_number
from ..models import Category, Product, Variant
from ..rendering import render_template
from ..tenancy import tenant_select
from ..uploads import UploadError, save_uploads
from .blueprint import PER_PAGE, admin_bp
from .forms import ProductForm, VariantForm, price_to_minor


def shop_product(product_id: int) -> Product:
    product = db.session.scalar(
        tenant_select(Product)
        .where(Product.id == product_id)
        .options(selectinload(Product.variants))
    )
    if product is None:
        abort(404)
    return product


def category_choices() -> list[tuple[int, str]]:
    return [
        (c.id, c.name)
        for c in db.session.scalars(
            tenant_select(Category).order_by(Category.position, Category.id)
        )
    ]


@admin_bp.route("/admin/<merchant>/products")
def products():
    search = request.args.get("q", "").strip()[:100]
    query = tenant_select(Product).options(
        selectinload(Product.variants), selectinload(Product.category)
    )
    if search:
        query = query.where(Product.name.ilike(f"%{search}%") | Product.slug.ilike(f"%{search}%"))
    found = db.paginate(
        query.order_by(Product.name, Product.id),
        page=page_number(),
        per_page=PER_PAGE,
        error_out=False,
    )
    return render_template("admin/products.html", products=found, search=search)


def slug_taken(slug: str, product: Product | None) -> bool:
    query = tenant_select(Product).where(Product.slug == slug)
    if product is not None:
        query = query.where(Product.id != product.id)
    return db.session.scalar(query.limit(1)) is not None


def save_product(form: ProductForm, product: Product | None) -> Product | None:
    """Validate what the form cannot (unique slug, picture) and write the product."""
    if slug_taken(form.slug.data, product):
        form.slug.errors.append(_("Another product already uses this address name."))
        return None
    picture = request.files.get("picture")
    image = None
    if picture and picture.filename:
        try:
            (image,) = save_uploads([picture], g.merchant, current_user, "product", True, 1)
        except UploadError as error:
            flash(str(error), "error")
            return None
    if product is None:
        product = Product(merchant_id=g.merchant.id)
        db.session.add(product)
    product.name = form.name.data.strip()
    product.slug = form.slug.data
    product.category_id = form.category.data
    product.price_minor = price_to_minor(form.price.data)
    product.description = form.description.data or ""
    product.active = form.active.data
    if image is not None:
        product.image_id = image.id
    db.session.commit()
    return product


@admin_bp.route("/admin/<merchant>/products/new", methods=["GET", "POST"])
def product_new():
    form = ProductForm()
    form.category.choices = category_choices()
    if form.validate_on_submit():
        product = save_product(form, None)
        if product is not None:
            flash(_("Product created. Add its sizes and colours below."), "success")
            return redirect(url_for("admin.product_edit", product_id=product.id))
    return render_template("admin/product.html", form=form, product=None, variant_form=None)


@admin_bp.route("/admin/<merchant>/products/<int:product_id>", methods=["GET", "POST"])
def product_edit(product_id: int):
    product = shop_product(product_id)
    form = ProductForm(obj=product, price=f"{product.price_minor / 100:.2f}")
    form.category.choices = category_choices()
    if form.validate_on_submit() and save_product(form, product) is not None:
        flash(_("Product saved."), "success")
        return redirect(url_for("admin.product_edit", product_id=product.id))
    return render_template(
        "admin/product.html", form=form, product=product, variant_form=VariantForm(prefix="new")
    )


@admin_bp.route("/admin/<merchant>/products/<int:product_id>/variants", methods=["POST"])
def product_variants(product_id: int):
    """Add a variant, or save every variant's stock at once."""
    product = shop_product(product_id)
    if request.form.get("action") == "add":
        form = VariantForm(prefix="new")
        if not form.validate():
            for name, errors in form.errors.items():
                flash(f"{form[name].label.text}: {errors[0]}", "error")
        elif any(v.sku == form.sku.data for v in product.variants):
            flash(
                _("This product already has a variant with SKU %(sku)s.", sku=form.sku.data),
                "error",
            )
        else:
            db.session.add(
                Variant(
                    product_id=product.id,
                    sku=form.sku.data.strip(),
                    size=form.size.data or None,
                    colour=form.colour.data or None,
                    stock=form.stock.data or 0,
                )
            )
            db.session.commit()
            flash(_("Variant added."), "success")
        return redirect(url_for("admin.product_edit", product_id=product.id))
    changes = {}
    for variant in product.variants:
        raw = request.form.get(f"stock-{variant.id}", "").strip()
        stock = whole_number(raw, 0, 1_000_000)
        if stock is None:
            flash(
                _("Stock for %(variant)s must be a whole number from 0.", variant=variant.label),
                "error",
            )
            return redirect(url_for("admin.product_edit", product_id=product.id))
        changes[variant] = stock
    for variant, stock in changes.items():
        variant.stock = stock
    db.session.commit()
    flash(_("Stock saved."), "success")
    return redirect(url_for("admin.product_edit", product_id=product.id))
