"""The JSON API under `/api/v1/`, and what plugins use to add their own endpoints to it.

A plugin makes an `ApiBlueprint`, decorates each view with `api_spec.validate(...)` (the
pydantic models of its query, body and answers), and registers the blueprint in its
`init_app`. Its endpoints then follow the same scope rules as its pages, and appear in
`/api/v1/openapi.json` whenever the plugin is installed.
"""

from __future__ import annotations

from flask import Flask

from .auth import api_key, key_required, shopper_required
from .blueprint import ApiBlueprint, is_api_path, takes_files
from .errors import ApiError, ErrorBody, error_json
from .forms import check_form
from .idempotency import idempotency_key, idempotent
from .paging import Page, PageQuery, keyset, keyset_page
from .paging import decode as decode_cursor
from .paging import encode as encode_cursor
from .presenters import image_out, money_of
from .schemas import ImageOut, Message, Money
from .spec import API_PREFIX, answers, api_spec, document


def product_by_slug(slug: str):
    """This shop's active product, or a JSON 404; the request's scope becomes its category's."""
    from .catalogue import product_by_slug as find

    return find(slug)


def claim_uploads(tokens: list[str], purpose: str, field: str = "photos"):
    """See `storefront.api.uploads.claim_uploads` (imported late: it needs the blueprint)."""
    from .uploads import claim_uploads as claim

    return claim(tokens, purpose, field)


__all__ = [
    "API_PREFIX",
    "ApiBlueprint",
    "ApiError",
    "ErrorBody",
    "ImageOut",
    "Message",
    "Money",
    "Page",
    "PageQuery",
    "answers",
    "claim_uploads",
    "check_form",
    "decode_cursor",
    "encode_cursor",
    "api_key",
    "api_spec",
    "document",
    "error_json",
    "idempotency_key",
    "idempotent",
    "image_out",
    "is_api_path",
    "keyset",
    "keyset_page",
    "key_required",
    "money_of",
    "product_by_slug",
    "register",
    "shopper_required",
    "takes_files",
]


def register(app: Flask) -> None:
    """The core's own API blueprint, the API's HTTP manners and its error answers."""
    from . import (  # noqa: F401  (routes attach to api_bp)
        account,
        cart,
        catalogue,
        checkout,
        login_codes,
        merchant,
        merchant_plugins,
        orders,
        uploads,
    )
    from .http import register as register_http
    from .root import api_bp

    app.register_blueprint(api_bp)
    register_http(app)

    @app.errorhandler(ApiError)
    def api_error(error: ApiError):
        return error_json(error.status, error.message, error.field, error.code)
