"""Callbacks: "contact us / call me back", an agent queue with a reply-time target."""

from __future__ import annotations

from flask import url_for
from markupsafe import Markup

from storefront import Link, PluginInfo, hookimpl, render_template
from storefront import lazy_gettext as _l

from . import models  # noqa: F401  (tables)
from .forms import CallbackSettings

WEEKDAY_HOURS = "09:00-18:00"

info = PluginInfo(
    name="callbacks",
    title=_l("Contact and call-backs"),
    description=_l("Contact requests, call-backs and an agent queue with a reply-time target."),
    version="1.0.0",
    default_enabled=True,
    settings_form=CallbackSettings,
    default_settings={
        "hours_mon": WEEKDAY_HOURS,
        "hours_tue": WEEKDAY_HOURS,
        "hours_wed": WEEKDAY_HOURS,
        "hours_thu": WEEKDAY_HOURS,
        "hours_fri": WEEKDAY_HOURS,
        "hours_sat": "10:00-16:00",
        "hours_sun": "",
        "holidays": "",
        "target_minutes": 10,
        "complaint_target_minutes": 10,
        "round_robin": False,
    },
    # One agent queue per shop: its hours and reply targets are the shop's, not a category's.
    shop_wide_settings=(
        "hours_mon",
        "hours_tue",
        "hours_wed",
        "hours_thu",
        "hours_fri",
        "hours_sat",
        "hours_sun",
        "holidays",
        "target_minutes",
        "complaint_target_minutes",
        "round_robin",
    ),
)


@hookimpl
def init_app(app):
    from .admin_views import admin_bp
    from .api import api_bp
    from .shop_views import shop_bp

    app.register_blueprint(shop_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(api_bp)


@hookimpl
def footer_links(scope):
    return [Link(url_for("callbacks.contact"), _l("Contact us"))]


@hookimpl
def product_sections(product):
    """Reached only where callbacks is on for the product's category."""
    return Markup(render_template("callbacks/product_link.html", product=product))


@hookimpl
def order_panels(order):
    """Reached only when callbacks is on for one of the order's lines."""
    return Markup(render_template("callbacks/order_link.html", order=order))


@hookimpl
def account_links(user, scope):
    return [Link(url_for("callbacks.mine"), _l("My messages"))]


def _counts(merchant):
    """Waiting and overdue requests, counted by the database.

    The menu shows the overdue count on every admin page, so it must cost one aggregate
    query, not a read of the open requests.
    """
    from .open_requests import waiting_counts

    return waiting_counts(merchant)


@hookimpl
def admin_nav(merchant, scope):
    overdue = _counts(merchant).overdue
    return [Link(url_for("callbacks_admin.queue"), _l("Contact requests"), overdue or None)]


@hookimpl
def admin_cards(merchant, scope):
    counts = _counts(merchant)
    return Markup(
        render_template(
            "callbacks/admin/cards.html", waiting=counts.waiting, overdue=counts.overdue
        )
    )


@hookimpl
def seed_demo(merchant, categories, shoppers, staff):
    from .demo import seed

    seed(merchant, shoppers)


@hookimpl
def export_merchant_data(merchant):
    from .transfer import export_rows

    return export_rows(merchant)


@hookimpl
def import_merchant_data(merchant, data):
    from .transfer import import_rows

    import_rows(merchant, data.get("callbacks"))
