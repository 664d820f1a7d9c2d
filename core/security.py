"""Production settings, security headers, proxies and JSON logs.

`STOREFRONT_ENV=production` turns on what a public deployment needs; the headers are sent
in every mode so development sees the same Content-Security-Policy as production.
"""

from __future__ import annotations

import json
import logging
import sys

from flask import Flask, request
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
    if not app.config.get("SECRET_KEY"):
        raise InsecureConfiguration(
            "STOREFRONT_ENV=production needs SECRET_KEY (or STOREFRONT_SECRET_KEY) set to a "
            "long random value, the same in every process."
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
        return response
