"""Registers a route, then fails at start-up."""

from flask import Blueprint

from storefront import PluginInfo, hookimpl

info = PluginInfo(name="core_failing_init", title="Fails at start-up", version="1.0")

failing_bp = Blueprint("core_failing_init", __name__)


@failing_bp.route("/shop/<merchant>/failing")
def failing_page():
    return "should never be served"


@hookimpl
def init_app(app):
    app.register_blueprint(failing_bp)
    raise RuntimeError("core_failing_init cannot start")


@hookimpl
def footer_links(scope):
    raise AssertionError("a plugin that failed at start-up is never called")
