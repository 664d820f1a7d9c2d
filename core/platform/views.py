"""The platform admin: every shop at a glance, and which plugins merchants may use."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from ..extensions import db
from ..models import Merchant, Order, PlatformPlugin
from ..plugin_settings import set_platform
from ..rendering import render_template

platform_bp = Blueprint("platform", __name__)


@platform_bp.before_request
def platform_admins_only():
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login", next=request.full_path))
    if not current_user.is_platform_admin:
        abort(403)
    return None


@platform_bp.route("/platform/")
def index():
    order_counts = (
        select(Order.merchant_id, func.count(Order.id).label("orders"))
        .group_by(Order.merchant_id)
        .subquery()
    )
    shops = db.session.execute(
        select(Merchant, func.coalesce(order_counts.c.orders, 0))
        .outerjoin(order_counts, order_counts.c.merchant_id == Merchant.id)
        .order_by(Merchant.name)
    ).all()
    manager = current_app.extensions["storefront"].plugins
    rows = {row.plugin: row for row in db.session.scalars(select(PlatformPlugin))}
    plugins = [(info, rows.get(info.name)) for info in manager.optional]
    return render_template(
        "platform/index.html", shops=shops, plugins=plugins, failures=manager.failures()
    )


@platform_bp.route("/platform/events")
def events():
    from ..events import dead_letters

    return render_template("platform/events.html", deliveries=dead_letters())


@platform_bp.route("/platform/events/<int:delivery_id>", methods=["POST"])
def event_action(delivery_id: int):
    from ..events import discard, retry
    from ..models import EventDelivery

    delivery = db.session.get(EventDelivery, delivery_id)
    if delivery is None or delivery.status != "dead":
        abort(404)
    if request.form.get("action") == "retry":
        retry(delivery)
        flash(_("Delivery queued again."), "success")
    else:
        discard(delivery)
        flash(_("Delivery discarded."), "success")
    return redirect(url_for("platform.events"))


@platform_bp.route("/platform/plugins/<name>", methods=["POST"])
def plugin(name: str):
    manager = current_app.extensions["storefront"].plugins
    if name not in manager.records or manager.info(name).internal:
        abort(404)
    default = request.form.get("default", "inherit")
    if default not in ("inherit", "on", "off"):
        flash(_("Choose inherit, on or off as the default."), "error")
        return redirect(url_for("platform.index"))
    available = request.form.get("available") == "yes"
    enabled = {"inherit": None, "on": True, "off": False}[default]
    set_platform(name, available, enabled, current_user)
    db.session.commit()
    flash(_("%(plugin)s saved for every shop.", plugin=manager.info(name).title), "success")
    return redirect(url_for("platform.index"))
