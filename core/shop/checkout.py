"""Cart and checkout."""

from __future__ import annotations

import secrets

from flask import flash, g, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from .. import cart
from ..checkout import Delivery, check_out, payment_methods, placed_with, valid_token
from ..extensions import db, limiter
from ..inputs import parse_id
from ..models import Address, Order
from ..orders import OrderError
from ..rendering import render_template
from .blueprint import shop_bp
from .catalogue import product_by_slug, variant_choices
from .forms import AddToCartForm, CartUpdateForm, CheckoutForm


@shop_bp.route("/shop/<merchant>/p/<product_slug>/add", methods=["POST"])
@limiter.limit("60 per minute")
def add_to_cart(product_slug: str):
    product = product_by_slug(product_slug)
    form = AddToCartForm()
    form.variant.choices = variant_choices(product)
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for error in errors:
                flash(error, "error")
        return redirect(url_for("shop.product", product_slug=product.slug))
    variant = next(v for v in product.variants if v.id == form.variant.data)
    problem = cart.stock_problem(variant, form.quantity.data)
    if problem:
        flash(problem, "error")
        return redirect(url_for("shop.product", product_slug=product.slug))
    cart.add(g.merchant, variant.id, form.quantity.data)
    flash(
        _("Added %(name)s (%(label)s) to your cart.", name=product.name, label=variant.label),
        "success",
    )
    return redirect(url_for("shop.view_cart"))


@shop_bp.route("/shop/<merchant>/cart")
def view_cart():
    rows = cart.rows(g.merchant)
    total = sum(r.line_total for r in rows)
    return render_template("shop/cart.html", rows=rows, total=total, form=CartUpdateForm())


@shop_bp.route("/shop/<merchant>/cart/update", methods=["POST"])
def update_cart():
    form = CartUpdateForm()
    variant_id = parse_id(form.variant.data)
    if not form.validate_on_submit() or variant_id is None:
        flash(_("Please enter a quantity between 0 and %(n)d.", n=cart.MAX_QUANTITY), "error")
        return redirect(url_for("shop.view_cart"))
    cart.set_quantity(g.merchant, variant_id, form.quantity.data or 0)
    return redirect(url_for("shop.view_cart"))


@shop_bp.route("/shop/<merchant>/checkout", methods=["GET", "POST"])
@login_required
@limiter.limit("30 per minute", methods=["POST"])
def checkout():
    user = current_user._get_current_object()
    if request.method == "POST":
        placed = placed_with(g.merchant, user, valid_token(request.form.get("checkout_token")))
        if placed is not None:  # the same page submitted again (double click, reload)
            return _thank(placed)
    rows = cart.rows(g.merchant)
    if not rows:
        flash(_("Your cart is empty."), "info")
        return redirect(url_for("shop.view_cart"))
    methods = payment_methods(g.merchant)
    form = CheckoutForm()
    form.payment.choices = [(m.code, str(m.label)) for m in methods]
    addresses = list(user.addresses)
    form.address_id.choices = [(0, _("New address"))] + [(a.id, a.one_line()) for a in addresses]
    if request.method == "GET":
        _prefill(form, addresses)
    token = _checkout_token(form)
    if form.validate_on_submit():
        try:
            placed = check_out(
                g.merchant,
                user,
                cart.lines(g.merchant),
                Delivery.from_form(form),
                next(m for m in methods if m.code == form.payment.data),
                note=form.note.data,
                token=token,
            )
        except OrderError as exc:
            db.session.rollback()
            flash(str(exc), "error")
            return redirect(url_for("shop.view_cart"))
        if placed.payment_error:
            flash(placed.payment_error, "error")
        db.session.commit()
        return _thank(placed.order)
    total = sum(r.line_total for r in rows)
    return render_template("shop/checkout.html", form=form, rows=rows, total=total)


def _checkout_token(form: CheckoutForm) -> str | None:
    """The page's one-time token: new on GET, the posted one on POST (None when absent)."""
    if request.method == "GET":
        form.checkout_token.data = secrets.token_urlsafe(24)
    return valid_token(form.checkout_token.data)


def _thank(order: Order):
    cart.clear(g.merchant)
    flash(_("Thank you! Your order %(number)s is placed.", number=order.number), "success")
    return redirect(url_for("shop.order_detail", number=order.number))


def _prefill(form: CheckoutForm, addresses: list[Address]) -> None:
    if form.payment.choices:
        form.payment.data = form.payment.choices[0][0]
    if addresses:
        latest = addresses[-1]
        form.address_id.data = latest.id
        form.recipient.data = latest.recipient
        form.phone.data = latest.phone
        form.line1.data = latest.line1
        form.city.data = latest.city
        form.province.data = latest.province
        form.postcode.data = latest.postcode
    else:
        form.recipient.data = current_user.name
        form.phone.data = current_user.phone
