"""Orders: find them, read them, move them along their lifecycle."""

from __future__ import annotations

from flask import abort, flash, g, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..inputs import page_number
from ..models import Order, OrderItem, Product, User
from ..models.order import ORDER_STATUSES, ORDER_TRANSITIONS
from ..orders import OrderError, change_status, status_label
from ..rendering import render_template
from ..tenancy import tenant_select
from .blueprint import PER_PAGE, admin_bp
from .forms import StatusForm


def staff_order(number: str) -> Order:
    """This shop's order by number, or 404 (never another shop's)."""
    order = db.session.scalar(
        tenant_select(Order)
        .where(Order.number == number)
        .options(
            selectinload(Order.items)
            .selectinload(OrderItem.product)
            .selectinload(Product.category),
            selectinload(Order.history),
            selectinload(Order.user),
        )
    )
    if order is None:
        abort(404)
    return order


@admin_bp.route("/admin/<merchant>/orders")
def orders():
    status = request.args.get("status", "")
    search = request.args.get("q", "").strip()[:100]
    query = tenant_select(Order).options(selectinload(Order.user), selectinload(Order.items))
    if status in ORDER_STATUSES:
        query = query.where(Order.status == status)
    else:
        status = ""
    if search:
        pattern = f"%{search}%"
        buyers = select(User.id).where(User.email.ilike(pattern))
        query = query.where(
            or_(
                Order.number.ilike(pattern),
                Order.recipient.ilike(pattern),
                Order.user_id.in_(buyers),
            )
        )
    found = db.paginate(
        query.order_by(Order.created_at.desc(), Order.id.desc()),
        page=page_number(),
        per_page=PER_PAGE,
        error_out=False,
    )
    return render_template(
        "admin/orders.html",
        orders=found,
        status=status,
        search=search,
        statuses=[(s, status_label(s)) for s in ORDER_STATUSES],
    )


@admin_bp.route("/admin/<merchant>/orders/<number>", methods=["GET", "POST"])
def order_detail(number: str):
    order = staff_order(number)
    form = StatusForm()
    form.status.choices = [(s, status_label(s)) for s in ORDER_TRANSITIONS.get(order.status, ())]
    if form.validate_on_submit():
        try:
            change_status(order, form.status.data, current_user, form.note.data.strip() or None)
        except OrderError as error:
            db.session.rollback()
            flash(str(error), "error")
        else:
            db.session.commit()
            flash(
                _(
                    "Order %(number)s is now %(status)s.",
                    number=order.number,
                    status=status_label(order.status),
                ),
                "success",
            )
            return redirect(url_for("admin.order_detail", number=order.number))
    elif request.method == "POST" and "status" in form.errors:
        flash(_("That status change is not possible for this order."), "error")
    return render_template("admin/order.html", order=order, form=form, merchant=g.merchant)
