"""Who is calling the API: a shopper's bearer token or a merchant's API key, never a cookie.

Shopper tokens are sign-ins (`UserSession` rows, see `storefront.auth.sessions`): hashed at
rest, expiring with the remember duration, listed on the shopper's *Password and sign-ins*
page and revoked from there, by a password change, or by `DELETE /api/v1/auth/token`.
API keys (`sk_...`) belong to a merchant, carry scopes, and act as the staff member who
created them while that person is still on the shop's staff.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from functools import wraps
from typing import Any

from flask import g, request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select, update

from ..auth import sessions
from ..extensions import db, login_manager
from ..models import ApiKey, User, utcnow
from .blueprint import is_api_path
from .errors import ApiError

KEY_PREFIX = "sk_"
LAST_USED_STEP = timedelta(minutes=1)  # `last_used_at` is written at most this often


def bearer() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, credential = header.partition(" ")
    if scheme.lower() != "bearer" or not credential.strip():
        return None
    return credential.strip()


def new_key() -> str:
    return KEY_PREFIX + secrets.token_urlsafe(32)


def _key_user(credential: str) -> User | None:
    key = db.session.scalar(
        select(ApiKey).where(ApiKey.token_digest == sessions.digest(credential))
    )
    if key is None or key.revoked_at is not None:
        return None
    user = key.created_by
    if user.role_in(key.merchant_id) is None:
        return None  # its creator has left the shop's staff
    now = utcnow()
    if key.last_used_at is None or now - key.last_used_at > LAST_USED_STEP:
        db.session.execute(update(ApiKey).where(ApiKey.id == key.id).values(last_used_at=now))
        db.session.commit()
    g.api_key = key
    return user


@login_manager.request_loader
def load_api_caller(_request: Any) -> User | None:
    """Only API requests are read here; the HTML pages sign in through their own form."""
    if not is_api_path(request.path):
        return None
    credential = bearer()
    if credential is None:
        return None
    if credential.startswith(KEY_PREFIX):
        return _key_user(credential)
    return sessions.load(credential)


def api_key() -> ApiKey | None:
    current_user._get_current_object()  # loads the caller, and with it g.api_key
    return g.get("api_key")


def shopper_required(view):
    """A shopper's own token: 401 without one (an API key is not a shopper)."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        if not current_user.is_authenticated or api_key() is not None:
            raise ApiError(401)
        return view(*args, **kwargs)

    return wrapper


def key_required(scope: str):
    """A merchant API key of this URL's shop that holds `scope`."""

    def decorate(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            key = api_key() if current_user.is_authenticated else None
            if key is None:
                raise ApiError(401, _("Send a merchant API key as the bearer token."))
            if key.merchant_id != g.merchant.id:
                raise ApiError(404)
            if not key.allows(scope):
                raise ApiError(
                    403,
                    _("This API key may not do that; it needs the %(scope)s scope.", scope=scope),
                    code="scope_missing",
                )
            return view(*args, **kwargs)

        wrapper.storefront_api_scope = scope
        return wrapper

    return decorate
