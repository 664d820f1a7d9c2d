"""Categories: their names, kinds (which set plugins' defaults) and order."""

from __future__ import annotations

from flask import flash, g, redirect, url_for
from flask_babel import gettext as _

from ..extensions import db
from ..models import CATEGORY_KINDS, Category
from ..rendering import render_template
from ..tenancy import owner_required, tenant_get, tenant_select
from .blueprint import admin_bp
from .forms import KIND_LABELS, CategoryForm


def fill_kinds(form: CategoryForm) -> None:
    form.kind.choices = [(kind, KIND_LABELS.get(kind, kind)) for kind in CATEGORY_KINDS]


@admin_bp.route("/admin/<merchant>/categories", methods=["GET", "POST"])
@admin_bp.route("/admin/<merchant>/categories/<int:category_id>", methods=["GET", "POST"])
@owner_required
def categories(category_id: int | None = None):
    editing = tenant_get(Category, category_id) if category_id else None
    form = CategoryForm(obj=editing)
    fill_kinds(form)
    if form.validate_on_submit():
        taken = db.session.scalar(
            tenant_select(Category).where(
                Category.slug == form.slug.data,
                Category.id != (editing.id if editing else 0),
            )
        )
        if taken:
            form.slug.errors.append(_("Another category already uses this address name."))
        else:
            category = editing or Category(merchant_id=g.merchant.id)
            form.populate_obj(category)
            db.session.add(category)
            db.session.commit()
            flash(_("Category saved."), "success")
            return redirect(url_for("admin.categories"))
    listing = db.session.scalars(
        tenant_select(Category).order_by(Category.position, Category.id)
    ).all()
    return render_template(
        "admin/categories.html", form=form, categories=listing, editing=editing, kinds=KIND_LABELS
    )
