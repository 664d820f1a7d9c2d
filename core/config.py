"""Configuration: defaults, then the instance file, then `STOREFRONT_*` / well-known env vars.

Environment wins because operators deploy the same code with different settings.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from .inputs import whole_number

DEFAULTS: dict[str, Any] = {
    "SECRET_KEY": None,
    "SQLALCHEMY_DATABASE_URI": None,
    "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
    "WTF_CSRF_TIME_LIMIT": None,
    "BABEL_DEFAULT_LOCALE": "en",
    "BABEL_DEFAULT_TIMEZONE": "UTC",
    "LANGUAGES": ["en", "zh_CN"],
    "RATELIMIT_STORAGE_URI": "memory://",
    "RATELIMIT_HEADERS_ENABLED": True,
    # Redis down must not turn a sign-in or a checkout into an error: count in memory then
    "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
    "RATELIMIT_SWALLOW_ERRORS": True,
    "RATELIMIT_STORAGE_OPTIONS": {"socket_timeout": 0.5, "socket_connect_timeout": 0.5},
    "LOGIN_RATE_LIMIT": "10 per minute",
    # Per bearer token or API key (per address for anonymous calls), over every API endpoint
    "API_RATE_LIMIT": "600 per minute",
    "MAX_CONTENT_LENGTH": 60 * 1024 * 1024,
    "UPLOAD_MAX_BYTES": 8 * 1024 * 1024,
    "UPLOAD_MAX_FILES": 6,
    # Checked from each file's header before anything is decoded (see core/uploads.py)
    "UPLOAD_MAX_PIXELS": 40_000_000,
    "UPLOAD_MAX_SIDE": 20_000,
    # All the pictures of one request together, as decoded (a big JPEG decodes at 1/2..1/8)
    "UPLOAD_MAX_REQUEST_PIXELS": 120_000_000,
    "STOREFRONT_STRICT_PLUGINS": False,
    "STOREFRONT_TRACE_HOOKS": False,
    "STOREFRONT_EVENTS_INLINE": True,
    "STOREFRONT_EVENT_LEASE_SECONDS": 300,
    "STOREFRONT_PLUGINS": None,
    "STOREFRONT_EXTRA_PLUGINS": [],
    "STOREFRONT_ENTRY_POINTS": True,
    "STOREFRONT_EMAIL_BACKEND": "console",
    "STOREFRONT_EMAIL_FROM": "shop@localhost",
    "SMTP_HOST": "localhost",
    "SMTP_PORT": 25,
    "PAGE_SIZE": 12,
    "STOREFRONT_BASE_URL": "http://127.0.0.1:5000",
    "SESSION_COOKIE_SAMESITE": "Lax",
    "SESSION_COOKIE_HTTPONLY": True,
    "REMEMBER_COOKIE_SAMESITE": "Lax",
    "REMEMBER_COOKIE_HTTPONLY": True,
    "REMEMBER_COOKIE_DURATION": 30 * 24 * 3600,
}

_BOOL_KEYS = {
    "STOREFRONT_STRICT_PLUGINS",
    "STOREFRONT_TRACE_HOOKS",
    "STOREFRONT_EVENTS_INLINE",
    "STOREFRONT_ENTRY_POINTS",
}

_INT_KEYS = {"STOREFRONT_EVENT_LEASE_SECONDS"}

_ENV_ALIASES = {
    "DATABASE_URL": "SQLALCHEMY_DATABASE_URI",
    "SECRET_KEY": "SECRET_KEY",
    "STOREFRONT_SECRET_KEY": "SECRET_KEY",
    "RATELIMIT_STORAGE_URI": "RATELIMIT_STORAGE_URI",
    "REDIS_URL": "REDIS_URL",
}


def _truthy(value: str) -> bool:
    return value.strip().lower() in {"1", "true", "yes", "on"}


def load_config(instance_path: str, overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """Return the effective configuration for one app instance."""
    config = dict(DEFAULTS)
    instance_file = Path(instance_path) / "storefront.cfg"
    if instance_file.exists():
        namespace: dict[str, Any] = {}
        exec(compile(instance_file.read_text(), str(instance_file), "exec"), namespace)
        config.update({k: v for k, v in namespace.items() if k.isupper()})
    for env_name, key in _ENV_ALIASES.items():
        if os.environ.get(env_name):
            config[key] = os.environ[env_name]
    for env_name, value in os.environ.items():
        if env_name.startswith("STOREFRONT_") and env_name != "STOREFRONT_SECRET_KEY":
            if env_name in _BOOL_KEYS:
                config[env_name] = _truthy(value)
            elif env_name in _INT_KEYS:
                number = whole_number(value.strip(), 1)
                if number is None:
                    raise ValueError(f"{env_name} must be a whole number above 0, not {value!r}")
                config[env_name] = number
            else:
                config[env_name] = value
    if overrides:
        config.update(overrides)
    for key in ("STOREFRONT_PLUGINS", "STOREFRONT_EXTRA_PLUGINS"):
        if isinstance(config.get(key), str):
            config[key] = [p.strip() for p in config[key].split(",") if p.strip()]
    if not config["SQLALCHEMY_DATABASE_URI"]:
        config["SQLALCHEMY_DATABASE_URI"] = "sqlite:///" + str(
            Path(instance_path) / "storefront.sqlite3"
        )
    uri = config["SQLALCHEMY_DATABASE_URI"]
    if uri.startswith("postgres://"):
        uri = "postgresql+psycopg://" + uri[len("postgres://") :]
    elif uri.startswith("postgresql://"):
        uri = "postgresql+psycopg://" + uri[len("postgresql://") :]
    config["SQLALCHEMY_DATABASE_URI"] = uri
    if config.get("REDIS_URL") and config["RATELIMIT_STORAGE_URI"] == "memory://":
        config["RATELIMIT_STORAGE_URI"] = config["REDIS_URL"]
    return config
