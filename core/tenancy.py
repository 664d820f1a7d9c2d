"""Tenancy: every `/shop/<merchant>/` and `/admin/<merchant>/` request is bound to one merchant.

This is the one place that loads the merchant from the URL, makes the scope, keeps staff
inside their own merchant's admin, and answers 404 for a plugin's routes where it is off.
Queries of tenant data go through `tenant_select` so they are always filtered by merchant.

The scope follows the object: a plugin route about one product, order line or record
calls `acts_on(obj)` (404 unless the plugin is on in that object's scope) or, to show a
shopper's existing record, `reads(record)` (always readable; the page says when the shop
no longer offers the plugin there). Routes marked `@record_view` stay reachable by GET
after the plugin is switched off or hidden, so no message ever links to a 404.
"""

from __future__ import annotations

from functools import wraps
from typing import Any, TypeVar

from flask import Flask, abort, current_app, g, redirect, request, url_for
from flask_login import current_user
from sqlalchemy import Select, select

from .extensions import db
from .inputs import parse_id
from .models import Category, Membership, Merchant, Order
from .scopes import Scope, followed, scope_of
from .theming import available_themes

T = TypeVar("T")


def load_merchant(slug: str) -> Merchant:
    merchant = db.session.scalar(select(Merchant).where(Merchant.slug == slug))
    if merchant is None:
        abort(404)
    return merchant


def tenant_select(model: type[T], merchant: Merchant | None = None) -> Select:
    """`select(model)` limited to the current merchant's rows."""
    merchant = merchant or g.merchant
    return select(model).where(model.merchant_id == merchant.id)


def valid_id(ident: Any) -> int:
    """`ident` as a row id, or 404 for text, negative, unicode or out-of-range numbers."""
    found = parse_id(ident)
    if found is None:
        abort(404)
    return found


def tenant_get(model: type[T], ident: Any, merchant: Merchant | None = None) -> T:
    """Fetch one row of the current merchant by primary key, or 404 (also for bad ids)."""
    ident = valid_id(ident)
    merchant = merchant or g.merchant
    obj = db.session.get(model, ident)
    if obj is None or obj.merchant_id != merchant.id:
        abort(404)
    return obj


def category_by_slug(slug: str) -> Category:
    category = db.session.scalar(tenant_select(Category).where(Category.slug == slug))
    if category is None:
        abort(404)
    return category


def staff_role() -> str | None:
    if not current_user.is_authenticated or getattr(g, "merchant", None) is None:
        return None
    return current_user.role_in(g.merchant.id)


def owner_required(view):
    """Owner-only admin pages (staff, shop settings, plugins)."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        if staff_role() != "owner":
            abort(403)
        return view(*args, **kwargs)

    return wrapper


def is_admin_path(path: str) -> bool:
    return path.startswith("/admin/")


def is_shop_path(path: str) -> bool:
    return path.startswith("/shop/")


def register(app: Flask) -> None:
    @app.url_value_preprocessor
    def bind_merchant(endpoint, values):
        if values and "merchant" in values:
            g.merchant = load_merchant(values.pop("merchant"))
            g.scope = Scope(g.merchant)
            if is_shop_path(request.path):
                wanted = request.args.get("preview_theme") if _may_preview() else None
                g.theme = wanted if wanted in available_themes() else g.merchant.theme

    @app.url_defaults
    def add_merchant(endpoint, values):
        if "merchant" in values or getattr(g, "merchant", None) is None:
            return
        if current_app.url_map.is_endpoint_expecting(endpoint, "merchant"):
            values["merchant"] = g.merchant.slug

    @app.before_request
    def guard_admin_and_plugins():
        merchant = getattr(g, "merchant", None)
        if merchant is None:
            return None
        if is_admin_path(request.path):
            if not current_user.is_authenticated:
                return redirect(url_for("auth.login", next=request.full_path))
            if current_user.role_in(merchant.id) is None:
                abort(403)
        plugin = current_plugin()
        if plugin is None or g.scope.enabled_anywhere(plugin):
            return None
        if _readable_record_route(plugin):
            return None
        abort(404)


def _may_preview() -> bool:
    """Only the shop's own staff may preview an unsaved theme."""
    return (
        "preview_theme" in request.args
        and current_user.is_authenticated
        and current_user.role_in(g.merchant.id) is not None
    )


SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def record_view(view):
    """Mark a plugin view that shows a shopper's existing records (a return, a thread).

    It stays reachable by GET where the plugin is off or hidden; the view calls `reads()`.
    """
    view.storefront_record_view = True
    return view


def current_plugin() -> str | None:
    """The plugin whose blueprint serves this request, if any."""
    manager = current_app.extensions["storefront"].plugins
    return manager.plugin_for_blueprint(request.blueprint)


def _readable_record_route(plugin: str) -> bool:
    record = current_app.extensions["storefront"].plugins.records[plugin]
    view = current_app.view_functions.get(request.endpoint)
    return (
        record.failed is None
        and request.method in SAFE_METHODS
        and getattr(view, "storefront_record_view", False)
    )


def _acts_for(plugin: str, obj: Any) -> tuple[Scope, bool]:
    """The object's scope and whether the plugin acts there.

    An order (or a record about one) counts where the plugin is on for one of its lines;
    a shop (a list of records) or a record of no category, where it is on anywhere in the
    shop, as for the plugin's shop-wide hooks and routes.
    """
    obj = followed(obj)
    if isinstance(obj, Order):
        shop = Scope(obj.merchant)
        return shop, any(scope_of(line).enabled(plugin) for line in obj.items)
    scope = scope_of(obj) or g.scope
    if scope.category is None:
        return scope, scope.enabled_anywhere(plugin)
    return scope, scope.enabled(plugin)


def acts_on(obj: Any, plugin: str | None = None) -> Scope:
    """404 unless this route's plugin is on for `obj`; its scope becomes the page's.

    An order counts when the plugin is on for at least one of its lines.
    """
    plugin = plugin or current_plugin()
    if plugin is None:
        raise RuntimeError("acts_on() outside a plugin's route needs the plugin's name")
    scope, on = _acts_for(plugin, obj)
    if not on:
        abort(404)
    g.scope = scope
    return scope


def reads(record: Any, plugin: str | None = None) -> Scope:
    """Show an existing record whatever the plugin's state now; the page says if it is off.

    Returns the record's scope (also the page's). `g.retired_plugin` is set when the shop no
    longer offers the plugin there; the layout shows a line saying so and plugin templates
    hide their forms for new use.
    """
    plugin = plugin or current_plugin()
    if plugin is None:
        raise RuntimeError("reads() outside a plugin's route needs the plugin's name")
    scope, on = _acts_for(plugin, record)
    g.scope = scope
    g.retired_plugin = None if on else current_app.extensions["storefront"].plugins.info(plugin)
    return scope


def memberships_of(user_id: int) -> list[Membership]:
    return list(db.session.scalars(select(Membership).where(Membership.user_id == user_id)))
