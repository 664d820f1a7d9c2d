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
    shop_wide_settings=("webhook_secret",),  # one webhook address per shop
    secret_settings=("webhook_secret",),
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
def tracking_carriers():
    from .carriers import BUILT_IN

    return BUILT_IN


@hookimpl
def order_panels(order, lines, scope):
    """The shopper's timeline: the parcels holding a line tracking serves."""
    from .carriers import STATUS_LABELS, carriers
    from .shipping import holding, parcels_of

    parcels = holding(parcels_of(order), lines)
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
def admin_order_panels(order, lines, scope):
    """The merchant's parcels of the order and a form offering only the lines tracking serves."""
    from .carriers import STATUS_LABELS, carriers
    from .forms import EventForm, ShipmentForm
    from .shipping import holding, parcels_of

    return Markup(
        render_template(
            "tracking/admin/order_panel.html",
            order=order,
            lines=lines,
            untracked=[item for item in order.items if item not in lines],
            shipments=holding(parcels_of(order), lines),
            labels=STATUS_LABELS,
            carriers=carriers(scope),
            form=ShipmentForm(),
            event_form=EventForm(),
        )
    )


@hookimpl
def order_delivered_at(order, lines):
    from .shipping import delivered_at

    return delivered_at(order, lines)


@hookimpl
def exchange_ready_to_ship(order, items, reference, lines):
    """A pending parcel for the replacements of the exchanged lines that tracking serves."""
    from .shipping import create_shipment

    served = {line.id for line in lines}
    quantities = {row["order_item_id"]: row["quantity"] for row in items}
    quantities = {line_id: q for line_id, q in quantities.items() if line_id in served}
    if quantities:
        create_shipment(order, "manual", reference, quantities, None, reference=reference)


@hookimpl
def worker_tick(merchant, now):
    from .shipping import check_delays

    check_delays(merchant, now)


@hookimpl
def admin_nav(merchant, scope):
    return [Link(url_for("tracking_admin.shipments"), _l("Shipments"))]


@hookimpl
def admin_cards(merchant):
    from .queries import counters

    return Markup(render_template("tracking/admin/card.html", counts=counters(merchant)))


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
