"""Cart and checkout."""

from __future__ import annotations

import re
import secrets

from flask import flash, g, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy.exc import IntegrityError

from .. import cart
from ..dispatch import call_hook
from ..extensions import db, limiter
from ..inputs import parse_id
from ..models import Address, Order
from ..orders import OrderError, place_order
from ..plugin_info import PaymentError
from ..rendering import render_template
from ..tenancy import tenant_select
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
    if variant.stock < form.quantity.data:
        flash(_("Only %(n)d left in %(label)s.", n=variant.stock, label=variant.label), "error")
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
        flash(_("Please enter a quantity between 0 and 20."), "error")
        return redirect(url_for("shop.view_cart"))
    cart.set_quantity(g.merchant, variant_id, form.quantity.data or 0)
    return redirect(url_for("shop.view_cart"))


def _payment_methods():
    methods = call_hook("payment_methods", merchant=g.merchant)
    # firstresult hook: call_hook gathers each plugin's list; the first non-empty one wins
    return next((m for m in methods if m), [])


@shop_bp.route("/shop/<merchant>/checkout", methods=["GET", "POST"])
@login_required
@limiter.limit("30 per minute", methods=["POST"])
def checkout():
    if request.method == "POST":
        placed = _placed_with(_valid_token(request.form.get("checkout_token")))
        if placed is not None:  # the same page submitted again (double click, reload)
            return _thank(placed)
    rows = cart.rows(g.merchant)
    if not rows:
        flash(_("Your cart is empty."), "info")
        return redirect(url_for("shop.view_cart"))
    methods = _payment_methods()
    form = CheckoutForm()
    form.payment.choices = [(m.code, str(m.label)) for m in methods]
    addresses = list(current_user.addresses)
    form.address_id.choices = [(0, _("New address"))] + [(a.id, a.one_line()) for a in addresses]
    if request.method == "GET":
        _prefill(form, addresses)
    token = _checkout_token(form)
    if form.validate_on_submit():
        address = ", ".join(
            p
            for p in (form.line1.data, form.city.data, form.province.data, form.postcode.data)
            if p
        )
        try:
            order = place_order(
                g.merchant,
                current_user,
                cart.lines(g.merchant),
                recipient=form.recipient.data.strip(),
                phone=form.phone.data,
                address=address,
                note=form.note.data or None,
                checkout_token=token,
            )
            _remember_address(form, addresses)
            method = next(m for m in methods if m.code == form.payment.data)
            try:
                method.pay(order)
            except PaymentError as exc:
                flash(str(exc), "error")
            db.session.commit()
        except OrderError as exc:
            db.session.rollback()
            flash(str(exc), "error")
            return redirect(url_for("shop.view_cart"))
        except IntegrityError:
            db.session.rollback()
            placed = _placed_with(token)
            if placed is None:
                raise
            return _thank(placed)  # the same page, submitted twice at once
        return _thank(order)
    total = sum(r.line_total for r in rows)
    return render_template("shop/checkout.html", form=form, rows=rows, total=total)


TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{16,64}")


def _checkout_token(form: CheckoutForm) -> str | None:
    """The page's one-time token: new on GET, the posted one on POST (None when absent)."""
    if request.method == "GET":
        form.checkout_token.data = secrets.token_urlsafe(24)
    return _valid_token(form.checkout_token.data)


def _valid_token(posted: str | None) -> str | None:
    return posted if posted and TOKEN_SHAPE.fullmatch(posted) else None


def _placed_with(token: str | None) -> Order | None:
    if token is None:
        return None
    return db.session.scalar(
        tenant_select(Order).where(Order.user_id == current_user.id, Order.checkout_token == token)
    )


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


def _remember_address(form: CheckoutForm, addresses: list[Address]) -> None:
    same = any(a.line1 == form.line1.data and a.city == form.city.data for a in addresses)
    if not same:
        db.session.add(
            Address(
                user_id=current_user.id,
                recipient=form.recipient.data.strip(),
                phone=form.phone.data,
                line1=form.line1.data.strip(),
                city=form.city.data.strip(),
                province=form.province.data or None,
                postcode=form.postcode.data or None,
            )
        )
