"""HTTP manners of `/api/v1/`: no cookies, CORS for the shop's listed origins, ETags on reads.

Cookies are removed from API requests before Flask sees them. A shopper's browser that is
signed in to the shop therefore cannot be made to write through the API by another site:
the API only believes bearer credentials, which a browser never sends on its own.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from flask import Flask, Response, g, request
from sqlalchemy import select

from ..extensions import db
from ..models import Merchant
from .blueprint import is_api_path

ALLOWED_HEADERS = "Authorization, Content-Type, Accept-Language, Idempotency-Key, If-None-Match"
EXPOSED_HEADERS = "ETag, Retry-After, Idempotent-Replayed, X-RateLimit-Limit, X-RateLimit-Remaining"
ALLOWED_METHODS = "GET, POST, PUT, PATCH, DELETE, OPTIONS"


class CookielessApi:
    """WSGI middleware: requests under /api/ arrive without their Cookie header."""

    def __init__(self, wsgi_app: Callable) -> None:
        self.wsgi_app = wsgi_app

    def __call__(self, environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
        if is_api_path(environ.get("PATH_INFO", "")):
            environ.pop("HTTP_COOKIE", None)
        return self.wsgi_app(environ, start_response)


def _allowed_origins() -> set[str]:
    merchant = g.get("merchant")
    if merchant is not None:
        return set(merchant.api_origins or [])
    lists = db.session.scalars(select(Merchant.api_origins).where(Merchant.api_origins.isnot(None)))
    return {origin for listed in lists for origin in (listed or [])}


def _cors(response: Response) -> None:
    origin = request.headers.get("Origin")
    response.vary.add("Origin")
    if not origin or origin not in _allowed_origins():
        return
    response.headers["Access-Control-Allow-Origin"] = origin
    response.headers["Access-Control-Expose-Headers"] = EXPOSED_HEADERS
    if request.method == "OPTIONS":
        response.headers["Access-Control-Allow-Methods"] = ALLOWED_METHODS
        response.headers["Access-Control-Allow-Headers"] = ALLOWED_HEADERS
        response.headers["Access-Control-Max-Age"] = "600"


def _etag(response: Response) -> Response:
    """Reads carry an ETag; a client that sends it back gets 304 while nothing changed."""
    if request.method != "GET" or response.status_code != 200 or response.direct_passthrough:
        return response
    response.add_etag(weak=True)
    return response.make_conditional(request)


def register(app: Flask) -> None:
    app.wsgi_app = CookielessApi(app.wsgi_app)

    @app.after_request
    def api_manners(response: Response) -> Response:
        if not is_api_path(request.path):
            return response
        _cors(response)
        return _etag(response)
