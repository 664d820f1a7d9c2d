"""Tracking: parcels, carrier events in time order, and updates before the shopper asks."""

from __future__ import annotations

from flask import url_for
from markupsafe import Markup

from storefront import Link, PluginInfo, hookimpl, render_template
from storefront import lazy_gettext as _l

from . import hookspecs as hookspecs  # the plugin's own hooks: carriers
from . import models  # noqa: F401  (tables)
from .forms import TrackingSettings

info = PluginInfo(
    name="tracking",
    title=_l("Shipment tracking"),
    description=_l("Parcels, carrier events, delivery dates and proactive updates."),
    version="1.0.0",
    default_enabled=True,
    settings_form=TrackingSettings,
    default_settings={"webhook_secret": "", "complete_on_delivery": True, "stalled_hours": 48},
)


@hookimpl
def init_app(app):
    from .admin_views import admin_bp
    from .shop_views import shop_bp

    app.register_blueprint(shop_bp)
    app.register_blueprint(admin_bp)


@hookimpl
def tracking_carriers():
    from .carriers import BUILT_IN

    return BUILT_IN


def _shipments(order):
    from sqlalchemy import select

    from storefront import db

    from .models import Shipment

    return db.session.scalars(
        select(Shipment).where(Shipment.order_id == order.id).order_by(Shipment.id)
    ).all()


@hookimpl
def order_panels(order, scope):
    from .carriers import STATUS_LABELS, carriers

    parcels = _shipments(order)
    if not parcels:
        return None
    return Markup(
        render_template(
            "tracking/timeline.html",
            shipments=parcels,
            labels=STATUS_LABELS,
            carriers=carriers(scope),
        )
    )


@hookimpl
def admin_order_panels(order, scope):
    from storefront import Scope

    from .carriers import STATUS_LABELS, carriers
    from .forms import EventForm, ShipmentForm

    return Markup(
        render_template(
            "tracking/admin/order_panel.html",
            order=order,
            shipments=_shipments(order),
            labels=STATUS_LABELS,
            carriers=carriers(Scope(order.merchant)),
            form=ShipmentForm(),
            event_form=EventForm(),
        )
    )


@hookimpl
def order_delivered_at(order):
    from .shipping import delivered_at

    return delivered_at(order)


@hookimpl
def exchange_ready_to_ship(order, items, reference):
    from .shipping import create_shipment

    quantities = {row["order_item_id"]: row["quantity"] for row in items}
    create_shipment(order, "manual", reference, quantities, None, reference=reference)


@hookimpl
def worker_tick(merchant, now):
    from .shipping import check_delays

    check_delays(merchant, now)


@hookimpl
def admin_nav(merchant, scope):
    return [Link(url_for("tracking_admin.shipments"), _l("Shipments"))]


@hookimpl
def admin_cards(merchant, scope):
    from .queries import counters

    return Markup(render_template("tracking/admin/card.html", counts=counters(merchant, scope)))


@hookimpl
def seed_demo(merchant, categories, shoppers, staff):
    from .demo import seed

    seed(merchant)


@hookimpl
def export_merchant_data(merchant):
    from .transfer import export_rows

    return export_rows(merchant)


@hookimpl
def import_merchant_data(merchant, data):
    from .transfer import import_rows

    import_rows(merchant, data.get("tracking"))
