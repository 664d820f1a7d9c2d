"""`ApiBlueprint`: what makes a blueprint part of `/api/v1/`, for the core and every plugin.

Bearer tokens carry the caller, so there is no CSRF token to check; each caller (token,
API key, or address when anonymous) has its own rate limit.
"""

from __future__ import annotations

import hashlib
from typing import Any

from flask import Blueprint, current_app, request
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address

from ..extensions import csrf, limiter
from .errors import ApiError
from .spec import API_PREFIX


def caller_key() -> str:
    """Who a rate limit counts: the bearer credential, else the client's address."""
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("bearer ") and len(header) > 7:
        return "bearer:" + hashlib.sha256(header[7:].strip().encode()).hexdigest()[:24]
    return "ip:" + (get_remote_address() or "unknown")


def _api_rate() -> str:
    return current_app.config["API_RATE_LIMIT"]


class ApiBlueprint(Blueprint):
    """A blueprint mounted under `/api/v1` + `url_prefix`, CSRF-exempt, limited per caller.

    A plugin's API blueprint is registered in its `init_app` like any other blueprint, so
    the route guard answers 404 (as JSON) where the plugin is off.
    """

    def __init__(self, name: str, import_name: str, url_prefix: str = "", **kwargs: Any) -> None:
        super().__init__(name, import_name, url_prefix=API_PREFIX + url_prefix, **kwargs)
        csrf.exempt(self)
        limiter.shared_limit(_api_rate, scope="api", key_func=caller_key)(self)
        self.before_request(_json_bodies_only)


WRITES = ("POST", "PUT", "PATCH", "DELETE")


def takes_files(view):
    """Mark the API view that takes `multipart/form-data` (a picture upload)."""
    view.storefront_takes_files = True
    return view


def _json_bodies_only():
    """Writes send JSON (or nothing); a form post is refused before a view can misread it."""
    if request.method not in WRITES or not request.mimetype:
        return None
    if request.mimetype == "application/json":
        return None
    view = current_app.view_functions.get(request.endpoint)
    if request.mimetype == "multipart/form-data" and getattr(view, "storefront_takes_files", False):
        return None
    raise ApiError(415, _("Send the body as JSON."), "body", code="unsupported_media_type")


def is_api_path(path: str) -> bool:
    return path == API_PREFIX or path.startswith(API_PREFIX + "/")
