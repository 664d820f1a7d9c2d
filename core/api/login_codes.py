"""Mini-program sign-in: a login code from the client, a shopper token back.

The mini-program calls `wx.login()` (or its provider's equivalent), sends the code here,
and the shop's login adapter (a plugin implementing `login_code_exchange`) asks the
provider who it belongs to. The answer is the same token `POST /api/v1/auth/token` gives.
"""

from __future__ import annotations

from flask import g
from flask_babel import gettext as _
from pydantic import BaseModel, Field

from ..auth.external import account_for, exchange_code
from ..extensions import limiter
from ..plugin_info import LoginCodeRejected, LoginProviderUnavailable
from .errors import ApiError, ErrorBody
from .root import TokenOut, _login_limit, api_bp, token_for
from .spec import answers, api_spec


class CodeLogin(BaseModel):
    provider: str = Field(
        pattern=r"^[a-z][a-z0-9_]{0,31}$",
        description='The login provider, e.g. "wechat" for a WeChat mini-program',
        examples=["wechat"],
    )
    code: str = Field(
        min_length=1,
        max_length=256,
        pattern=r"^[\x21-\x7e]+$",
        description="The one-time code the client's login call returned (`wx.login`)",
    )
    client: str | None = Field(
        None, max_length=100, description="Shown on the shopper's sign-in list, e.g. the app name"
    )


@api_bp.post("/shops/<merchant>/auth/code")
@limiter.limit(_login_limit)
@api_spec.validate(
    json=CodeLogin,
    resp=answers(HTTP_201=TokenOut, HTTP_401=ErrorBody, HTTP_502=ErrorBody),
    tags=["auth"],
)
def create_token_from_code(json: CodeLogin):
    """Sign in with a mini-program's login code: the first time creates the shopper's account.

    404 (field `provider`) when the shop does not offer that provider, 401 (field `code`)
    when the provider refuses the code, 502 `provider_unavailable` when it cannot be
    reached; then the client may try again with a new code.
    """
    try:
        identity = exchange_code(g.merchant, json.provider, json.code)
    except LoginCodeRejected:
        raise ApiError(
            401, _("This login code is not valid. Please sign in again."), "code", "invalid_code"
        ) from None
    except LoginProviderUnavailable:
        raise ApiError(
            502,
            _("The sign-in service cannot be reached. Please try again in a moment."),
            "provider",
            "provider_unavailable",
        ) from None
    if identity is None:
        raise ApiError(
            404, _("This shop does not offer this way of signing in."), "provider", "not_found"
        )
    return token_for(account_for(identity), json.client), 201
