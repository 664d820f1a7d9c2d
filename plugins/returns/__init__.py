"""Returns: return and exchange requests with an RMA, a policy per category, refunds."""

from __future__ import annotations

from flask import url_for
from markupsafe import Markup

from storefront import Link, PluginInfo, hookimpl, render_template
from storefront import lazy_gettext as _l

from . import hookspecs as hookspecs  # the plugin's own hook: return_policy
from . import models  # noqa: F401  (tables)
from .forms import ReturnSettings

info = PluginInfo(
    name="returns",
    title=_l("Returns and exchanges"),
    description=_l("Return and exchange requests with an RMA number, a policy per category."),
    version="1.0.0",
    default_enabled=True,
    settings_form=ReturnSettings,
    default_settings={
        "return_days": 15,
        "exchange_days": 30,
        "hygiene_rule": False,
        "free_size_exchange": True,
        "auto_approve_size_exchange": True,
    },
    # Opened bedding cannot go back for a change of mind, and it gets a longer window;
    # "other" categories keep a short one. A shop's or category's own values beat these.
    kind_settings={
        "bedding": {"return_days": 30, "hygiene_rule": True},
        "other": {"return_days": 7, "exchange_days": 7},
    },
)


@hookimpl
def init_app(app):
    from .admin_views import admin_bp
    from .api import api_bp
    from .shop_views import shop_bp

    app.register_blueprint(shop_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(api_bp)


def _requests(order):
    from sqlalchemy import select

    from storefront import db

    from .models import ReturnRequest

    return db.session.scalars(
        select(ReturnRequest).where(ReturnRequest.order_id == order.id).order_by(ReturnRequest.id)
    ).all()


@hookimpl
def order_panels(order, lines):
    """The order's requests and a way to start one, judged only on the lines returns is on for."""
    from .flow import STATUS_LABELS
    from .policy import eligibility

    if order.status not in ("shipped", "completed"):
        return None
    judged = eligibility(order, lines)
    return Markup(
        render_template(
            "returns/order_panel.html",
            order=order,
            requests=_requests(order),
            any_allowed=any(line.can_return or line.can_exchange for line in judged),
            reasons_not=sorted({w for line in judged for w in line.why_not}),
            labels=STATUS_LABELS,
        )
    )


@hookimpl
def admin_order_panels(order, scope):
    from .flow import STATUS_LABELS

    found = _requests(order)
    if not found:
        return None
    return Markup(
        render_template("returns/admin/order_panel.html", requests=found, labels=STATUS_LABELS)
    )


@hookimpl
def order_item_states(item, scope):
    from sqlalchemy import select

    from storefront import db

    from .models import ReturnItem, ReturnRequest

    done = db.session.scalars(
        select(ReturnRequest.kind)
        .join(ReturnItem, ReturnItem.request_id == ReturnRequest.id)
        .where(
            ReturnItem.order_item_id == item.id,
            ReturnRequest.status.in_(
                ("refunded", "exchanged", "received", "approved", "shipped_back")
            ),
        )
    ).all()
    return {"returned" if kind == "refund" else "exchanged" for kind in done}


@hookimpl
def account_links(user, scope):
    return [Link(url_for("returns.mine"), _l("My returns"))]


@hookimpl
def admin_nav(merchant, scope):
    from .policy import open_request_count

    return [
        Link(url_for("returns_admin.queue"), _l("Returns"), open_request_count(merchant.id) or None)
    ]


@hookimpl
def admin_cards(merchant, scope):
    from .analytics import DEFAULT_DAYS, flagged_products
    from .policy import open_request_count

    return Markup(
        render_template(
            "returns/admin/card.html",
            count=open_request_count(merchant.id),
            flagged=flagged_products(merchant.id, DEFAULT_DAYS),
            days=DEFAULT_DAYS,
        )
    )


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

    import_rows(merchant, data.get("returns"))
