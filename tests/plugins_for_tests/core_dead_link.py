"""Sends shoppers to a page of its own that disappears when the plugin is switched off."""

from flask import Blueprint, url_for

from storefront import PluginInfo, hookimpl, notify

info = PluginInfo(name="core_dead_link", title="Dead link", version="1.0")

dead_bp = Blueprint("core_dead_link", __name__)


@dead_bp.route("/shop/<merchant>/thanks/<number>")
def thanks(number: str):
    return f"thanks for {number}"


@hookimpl
def init_app(app):
    app.register_blueprint(dead_bp)


@hookimpl
def order_status_changed(order, new):
    if new == "completed":
        link = url_for("core_dead_link.thanks", merchant=order.merchant.slug, number=order.number)
        notify(order.user, "Thanks!", link=link, merchant=order.merchant, about=order)
