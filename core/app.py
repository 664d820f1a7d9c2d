"""Application factory: configuration, extensions, plugins, blueprints and error pages."""

from __future__ import annotations

import logging
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask import Flask, abort, request
from jinja2 import BaseLoader

from . import json_bodies, tenancy
from .config import load_config
from .dispatch import call_hook
from .errors import register_error_handlers
from .extensions import babel, csrf, db, limiter, login_manager
from .i18n import register_i18n, select_locale, select_timezone
from .inputs import IdConverter
from .plugin_manager import PluginManager
from .scopes import SettingsCache
from .security import configure_production, register_security
from .theming import ThemedEnvironment, ThemeLoader, register_theme_static

# Core modules that are plugins themselves, always on.
INTERNAL_PLUGINS = (
    "storefront.payments",
    "storefront.notifications",
    "storefront.order_notices",
)


@dataclass
class StorefrontState:
    """Per-app state kept in `app.extensions["storefront"]`."""

    plugins: PluginManager
    settings_cache: SettingsCache
    extra: dict[str, Any] = field(default_factory=dict)


class StorefrontFlask(Flask):
    jinja_environment = ThemedEnvironment

    def create_global_jinja_loader(self) -> BaseLoader:
        return ThemeLoader(super().create_global_jinja_loader())


def _secret_key(instance_path: str) -> str:
    """A development secret that survives restarts, kept in the instance folder."""
    key_file = Path(instance_path) / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def create_app(config: dict[str, Any] | None = None, instance_path: str | None = None) -> Flask:
    """Build a Storefront application.

    `config` overrides everything else (tests pass a database URL and a plugin list here).
    """
    instance_path = (
        instance_path or os.environ.get("STOREFRONT_INSTANCE_PATH") or str(Path.cwd() / "instance")
    )
    app = StorefrontFlask(
        "storefront",
        instance_path=os.path.abspath(instance_path),
        instance_relative_config=True,
    )
    app.url_map.converters["int"] = IdConverter  # every <int:id> of core and plugins
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config.update(load_config(app.instance_path, config))
    logging.basicConfig(level=logging.INFO)
    configure_production(app)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _secret_key(app.instance_path)
    register_security(app)

    db.init_app(app)
    csrf.init_app(app)
    login_manager.init_app(app)
    limiter.init_app(app)
    manager = PluginManager()
    if app.config["STOREFRONT_TRACE_HOOKS"]:
        manager.enable_tracing()
    manager.discover(
        INTERNAL_PLUGINS,
        only=app.config["STOREFRONT_PLUGINS"],
        use_entry_points=bool(app.config["STOREFRONT_ENTRY_POINTS"]),
        extra_modules=app.config["STOREFRONT_EXTRA_PLUGINS"],
        strict=app.config["STOREFRONT_STRICT_PLUGINS"],
    )
    app.extensions["storefront"] = StorefrontState(manager, SettingsCache(manager))
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = ";".join(translation_directories(manager))
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)

    from . import models  # noqa: F401  (registers the core tables)
    from .admin import admin_bp
    from .auth import auth_bp
    from .platform import platform_bp
    from .shop import shop_bp
    from .uploads import uploads_bp

    for blueprint in (auth_bp, shop_bp, admin_bp, platform_bp, uploads_bp):
        app.register_blueprint(blueprint)

    from . import api

    api.register(app)
    _init_plugins(app, manager)
    tenancy.register(app)
    register_i18n(app)
    register_error_handlers(app)
    json_bodies.register(app)
    register_theme_static(app)
    _register_template_globals(app)
    _register_response_hooks(app)

    from .cli import attach_commands

    attach_commands(app)
    return app


def translation_directories(manager: PluginManager) -> list[str]:
    """The core catalogue first, then each plugin's own `translations/` folder, if it has one.

    Every plugin package ships its own catalogue, so an external plugin is translated
    without touching the core; Flask-Babel merges them.
    """
    directories = [str(Path(__file__).resolve().parent / "translations")]
    for record in manager.records.values():
        module_file = getattr(record.module, "__file__", None)
        if module_file and Path(module_file).name == "__init__.py":
            candidate = Path(module_file).resolve().parent / "translations"
            if candidate.is_dir():
                directories.append(str(candidate))
    return directories


def _init_plugins(app: Flask, manager: PluginManager) -> None:
    """Call each plugin's init_app alone, noting which blueprints it added, for the route guard.

    A plugin whose init_app raises is recorded as failed and left out, and the site starts
    without it (STOREFRONT_STRICT_PLUGINS re-raises). What it registered before failing
    stays behind the route guard, which answers 404 for a failed plugin.
    """
    for record in list(manager.records.values()):
        impl = getattr(record.module, "init_app", None)
        if impl is None:
            continue
        before = set(app.blueprints)
        try:
            impl(app)
        except Exception as exc:
            if app.config["STOREFRONT_STRICT_PLUGINS"] or record.info.internal:
                raise
            manager.mark_failed(record.name, exc)
        finally:
            record.blueprints = set(app.blueprints) - before


def _register_template_globals(app: Flask) -> None:
    from .formatting import register_filters
    from .orders import status_label

    app.jinja_env.globals["hook"] = call_hook
    app.jinja_env.globals["status_label"] = status_label
    register_filters(app)


def _register_response_hooks(app: Flask) -> None:
    from .events import dispatch_if_pending

    @app.before_request
    def refuse_nul_bytes():
        """PostgreSQL refuses NUL in text; no real input has one, so it is a bad request."""
        values = [request.path, *request.args.values()]
        if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
            values.extend(request.form.values())
        if any("\x00" in value for value in values):
            abort(404 if "\x00" in request.path else 400)

    @app.teardown_request
    def deliver_events(exc):
        if exc is None:
            dispatch_if_pending(inline=app.config["STOREFRONT_EVENTS_INLINE"])
