"""A plugin with its own shop and admin routes, off by default."""

from flask import Blueprint, g

from storefront import PluginInfo, hookimpl

info = PluginInfo(name="core_greeter", title="Greeter", version="1.0", default_enabled=False)

greeter_bp = Blueprint("core_greeter", __name__)


@greeter_bp.route("/shop/<merchant>/greet")
def greet():
    return f"hello from {g.merchant.slug}"


@greeter_bp.route("/admin/<merchant>/greet")
def admin_greet():
    return f"admin hello from {g.merchant.slug}"


@hookimpl
def init_app(app):
    app.register_blueprint(greeter_bp)
