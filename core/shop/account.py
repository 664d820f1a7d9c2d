"""The shopper's account in one shop: orders, profile, addresses, inbox."""

from __future__ import annotations

from flask import abort, current_app, flash, g, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select, update
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..inputs import page_number
from ..models import Address, Notification, Order, OrderItem, Product, User, utcnow
from ..rendering import render_template
from ..scopes import Scope
from ..tenancy import tenant_select, valid_id
from .blueprint import shop_bp
from .forms import AddressForm, ProfileForm


def own_order(number: str, lock: bool = False) -> Order:
    """The shopper's own order in this shop, or 404 (never another shopper's).

    Its lines, their products (category, picture) and its history come in a fixed number
    of queries. `lock` holds the order's row until commit (paying for it).
    """
    query = (
        tenant_select(Order)
        .where(Order.number == number, Order.user_id == current_user.id)
        .options(
            selectinload(Order.items)
            .selectinload(OrderItem.product)
            .options(selectinload(Product.category), selectinload(Product.image)),
            selectinload(Order.history),
        )
    )
    if lock:
        query = query.with_for_update(of=Order).execution_options(populate_existing=True)
    order = db.session.scalar(query)
    if order is None:
        abort(404)
    return order


@shop_bp.route("/shop/<merchant>/account")
@login_required
def account():
    page = page_number()
    orders = db.paginate(
        tenant_select(Order)
        .where(Order.user_id == current_user.id)
        .options(selectinload(Order.items))
        .order_by(Order.created_at.desc(), Order.id.desc()),
        page=page,
        per_page=10,
        error_out=False,
    )
    return render_template("shop/account.html", orders=orders)


@shop_bp.route("/shop/<merchant>/account/orders/<number>")
@login_required
def order_detail(number: str):
    order = own_order(number)
    g.scope = Scope(g.merchant)
    return render_template("shop/order.html", order=order)


@shop_bp.route("/shop/<merchant>/account/profile", methods=["GET", "POST"])
@login_required
def profile():
    form = ProfileForm(obj=current_user)
    if request.method == "GET":
        form.locale.data = current_user.locale or ""
    if form.validate_on_submit():
        save_profile(current_user, form)
        db.session.commit()
        flash(_("Your profile is saved."), "success")
        return redirect(url_for("shop.profile"))
    return render_template("shop/profile.html", form=form, address_form=AddressForm())


def save_profile(user: User, form: ProfileForm) -> None:
    """The profile form's values on the account (the page and the API alike)."""
    user.name = form.name.data.strip()
    user.phone = form.phone.data or None
    user.locale = form.locale.data or None


@shop_bp.route("/shop/<merchant>/account/addresses", methods=["POST"])
@login_required
def add_address():
    address_form = AddressForm()
    if address_form.validate_on_submit():
        address = Address(user_id=current_user.id)
        address_form.populate_obj(address)
        db.session.add(address)
        db.session.commit()
        flash(_("Address saved."), "success")
        return redirect(url_for("shop.profile"))
    form = ProfileForm(obj=current_user)
    return render_template("shop/profile.html", form=form, address_form=address_form), 400


@shop_bp.route("/shop/<merchant>/account/addresses/<int:address_id>/delete", methods=["POST"])
@login_required
def delete_address(address_id: int):
    address = db.session.get(Address, valid_id(address_id))
    if address is None or address.user_id != current_user.id:
        abort(404)
    db.session.delete(address)
    db.session.commit()
    flash(_("Address removed."), "success")
    return redirect(url_for("shop.profile"))


def in_this_shop():
    """Messages this shop's inbox shows and may mark: its own and those of no shop."""
    return (Notification.merchant_id == g.merchant.id) | Notification.merchant_id.is_(None)


@shop_bp.route("/shop/<merchant>/account/inbox")
@login_required
def inbox():
    page = page_number()
    notifications = db.paginate(
        select(Notification)
        .where(Notification.user_id == current_user.id)
        .where(in_this_shop())
        .order_by(Notification.created_at.desc(), Notification.id.desc()),
        page=page,
        per_page=current_app.config["PAGE_SIZE"],
        error_out=False,
    )
    return render_template("shop/inbox.html", notifications=notifications)


@shop_bp.route("/shop/<merchant>/account/inbox/read", methods=["POST"])
@login_required
def mark_read():
    db.session.execute(
        update(Notification)
        .where(Notification.user_id == current_user.id, Notification.read_at.is_(None))
        .where(in_this_shop())
        .values(read_at=utcnow())
    )
    db.session.commit()
    return redirect(url_for("shop.inbox"))
