"""Production settings, security headers, proxies and JSON logs.

`STOREFRONT_ENV=production` turns on what a public deployment needs; the headers are sent
in every mode so development sees the same Content-Security-Policy as production.
"""

from __future__ import annotations

import json
import logging
import sys

from flask import Flask, g, request
from werkzeug.middleware.proxy_fix import ProxyFix

CSP = "; ".join(
    [
        "default-src 'self'",
        "img-src 'self' data:",
        "style-src 'self'",
        "script-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'self'",
        "object-src 'none'",
    ]
)
HSTS = "max-age=31536000; includeSubDomains"
#: Cookies and tokens are signed with SECRET_KEY; anything shorter can be guessed offline.
MIN_SECRET_BYTES = 32


class InsecureConfiguration(RuntimeError):
    """Production was asked for without what production needs."""


class JsonLineFormatter(logging.Formatter):
    """One JSON object per line: what log collectors read without parsing rules."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def is_production(app: Flask) -> bool:
    return str(app.config.get("STOREFRONT_ENV", "development")).lower() == "production"


def configure_production(app: Flask) -> None:
    """Refuse to run in production with a generated secret; secure cookies; JSON logs."""
    if not is_production(app):
        return
    secret = app.config.get("SECRET_KEY") or ""
    if len(secret.encode() if isinstance(secret, str) else secret) < MIN_SECRET_BYTES:
        raise InsecureConfiguration(
            f"STOREFRONT_ENV=production needs SECRET_KEY (or STOREFRONT_SECRET_KEY) set to a "
            f"random value of at least {MIN_SECRET_BYTES} bytes, the same in every process "
            f"(python -c 'import secrets; print(secrets.token_urlsafe(48))')."
        )
    app.config.update(
        SESSION_COOKIE_SECURE=True,
        REMEMBER_COOKIE_SECURE=True,
        REMEMBER_COOKIE_HTTPONLY=True,
        PREFERRED_URL_SCHEME="https",
    )
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonLineFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(app.config.get("STOREFRONT_LOG_LEVEL", "INFO"))


def register_security(app: Flask) -> None:
    if str(app.config.get("STOREFRONT_PROXY_FIX", "")).lower() in {"1", "true", "yes"}:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1, x_prefix=1)

    @app.after_request
    def security_headers(response):
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CSP)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        if request.is_secure:
            headers.setdefault("Strict-Transport-Security", HSTS)
        if "Cache-Control" not in headers and _is_personal():
            headers["Cache-Control"] = "private, no-store"
        return response


def _is_personal() -> bool:
    """A page for one person (signed in, or a sign-in form with its token): keep it out of
    every cache, the browser's disk and back button included. Only looks at a user this
    request already loaded, so static files cost no query."""
    if request.blueprint == "auth":
        return True
    user = g.get("_login_user")
    return user is not None and user.is_authenticated
