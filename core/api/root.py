"""The API's own endpoints: the OpenAPI document, its browsable reference, shopper tokens."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from flask import abort, current_app, g, jsonify, render_template, send_from_directory, url_for
from flask_babel import gettext as _
from pydantic import BaseModel, Field

from ..auth import sessions
from ..auth.passwords import authenticate
from ..extensions import limiter
from .auth import shopper_required
from .blueprint import ApiBlueprint
from .errors import ApiError, ErrorBody
from .schemas import Message
from .spec import answers, api_spec, document

api_bp = ApiBlueprint("api", __name__)

REFERENCE_CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
    "script-src 'self'; frame-ancestors 'none'; base-uri 'self'"
)


@api_bp.get("/openapi.json")
@limiter.exempt
def openapi():
    return jsonify(document(current_app))


def _swagger_assets() -> Path:
    found = importlib.util.find_spec("flask_openapi3_swagger")
    if found is None or not found.submodule_search_locations:
        abort(404)
    return Path(next(iter(found.submodule_search_locations))) / "templates" / "swagger"


@api_bp.get("/reference")
@limiter.exempt
def reference():
    """Swagger UI from a locally installed package: no page of ours loads from a CDN."""
    response = current_app.make_response(
        render_template("api/reference.html", spec_url=url_for("api.openapi"))
    )
    response.headers["Content-Security-Policy"] = REFERENCE_CSP
    return response


@api_bp.get("/reference/assets/<path:filename>")
@limiter.exempt
def reference_asset(filename: str):
    return send_from_directory(_swagger_assets(), filename, max_age=86400)


class PasswordLogin(BaseModel):
    email: str = Field(min_length=3, max_length=255)
    password: str = Field(min_length=1, max_length=200)
    client: str | None = Field(
        None, max_length=100, description="Shown on the shopper's sign-in list, e.g. the app name"
    )


class TokenOut(BaseModel):
    token: str = Field(description="Send as `Authorization: Bearer <token>`")
    token_type: str = "Bearer"
    expires_in: int = Field(description="Seconds until the token stops working")
    user_id: int


def token_for(user, client: str | None) -> TokenOut:
    """A new sign-in of `user` as an API token (committed)."""
    token = sessions.issue(user, client or "API client")
    return TokenOut(
        token=token,
        expires_in=int(current_app.config["REMEMBER_COOKIE_DURATION"]),
        user_id=user.id,
    )


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


@api_bp.post("/auth/token")
@limiter.limit(_login_limit)
@api_spec.validate(
    json=PasswordLogin, resp=answers(HTTP_201=TokenOut, HTTP_401=ErrorBody), tags=["auth"]
)
def create_token(json: PasswordLogin):
    """Sign in with email and password: a shopper token, valid for 30 days unless revoked."""
    user = authenticate(json.email, json.password)
    if user is None:
        raise ApiError(401, _("Email or password is wrong."), "password", code="wrong_credentials")
    return token_for(user, json.client), 201


@api_bp.delete("/auth/token")
@shopper_required
@api_spec.validate(
    resp=answers(HTTP_200=Message, HTTP_401=ErrorBody), tags=["auth"], security={"shopper": []}
)
def revoke_token():
    """Sign out: this token stops working at once."""
    sessions.end()
    g.pop("api_key", None)
    return Message(message=_("Signed out."))
