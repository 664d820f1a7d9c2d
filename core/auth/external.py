"""Sign-in by an outside provider's login code (a WeChat mini-program's `wx.login`).

A login adapter plugin turns the code into an `ExternalIdentity` through the
`login_code_exchange` hook; here that identity becomes one of our shopper accounts. The
first sign-in creates the account, later ones find it, and a `union_id` the provider gave
for another of its apps finds the account made there.

Such an account has no email address and no password: its email is a unique address
under the reserved `.invalid` domain (RFC 2606), which `storefront.mail` never sends to,
and its password hash matches no password, so it cannot sign in by the password form.
"""

from __future__ import annotations

import logging
import secrets

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..dispatch import dispatch
from ..extensions import db
from ..models import ExternalAccount, Merchant, User
from ..plugin_info import ExternalIdentity, LoginCodeRejected, LoginProviderUnavailable
from ..scopes import Scope

log = logging.getLogger("storefront.auth")

NO_EMAIL_DOMAIN = "no-email.invalid"
NO_PASSWORD = "!"  # not a werkzeug hash, so no password checks against it


def exchange_code(merchant: Merchant, provider: str, code: str) -> ExternalIdentity | None:
    """Who the provider says the code belongs to; None when no adapter on in the shop answers.

    `LoginCodeRejected` and `LoginProviderUnavailable` from the adapter pass through. Any
    other failure of an adapter is its bug: tests see it (strict plugins); a shop answers
    as if the provider were down rather than failing the sign-in with a server error.
    """
    try:
        answers = dispatch(
            "login_code_exchange",
            {"merchant": merchant, "provider": provider, "code": code},
            Scope(merchant),
            isolate=False,
        )
    except (LoginCodeRejected, LoginProviderUnavailable):
        raise
    except Exception as error:
        if current_app.config["STOREFRONT_STRICT_PLUGINS"]:
            raise
        log.exception("login adapter for %s failed in shop %s", provider, merchant.slug)
        raise LoginProviderUnavailable(provider) from error
    identity = answers[0] if answers else None
    if identity is not None and not _usable(identity, provider):
        log.error("a login adapter for %s gave an identity that cannot be kept", provider)
        raise LoginProviderUnavailable(provider)
    return identity


def _usable(identity: ExternalIdentity, provider: str) -> bool:
    """The adapter answered for the provider asked, with ids that fit their columns."""
    return (
        isinstance(identity, ExternalIdentity)
        and identity.provider == provider
        and 0 < len(identity.subject or "") <= 128
        and len(identity.issuer or "") <= 64
        and len(identity.union_id or "") <= 128
    )


def account_for(identity: ExternalIdentity) -> User:
    """The shopper account linked to `identity`, created on its first sign-in (committed)."""
    for _attempt in range(2):
        try:
            with db.session.begin_nested():
                user = _linked_user(identity) or _new_account(identity)
        except IntegrityError:  # the same first sign-in twice at once: the winner's is found
            continue
        db.session.commit()
        return user
    raise RuntimeError(f"no account could be linked to a {identity.provider} identity")


def _linked_user(identity: ExternalIdentity) -> User | None:
    """The account of this very identity, else of the same person in another of its apps."""
    link = db.session.scalar(
        select(ExternalAccount).where(
            ExternalAccount.provider == identity.provider,
            ExternalAccount.issuer == identity.issuer,
            ExternalAccount.subject == identity.subject,
        )
    )
    if link is not None:
        if identity.union_id and link.union_id != identity.union_id:
            link.union_id = identity.union_id
        return link.user
    if not identity.union_id:
        return None
    sibling = db.session.scalar(
        select(ExternalAccount)
        .where(
            ExternalAccount.provider == identity.provider,
            ExternalAccount.union_id == identity.union_id,
        )
        .order_by(ExternalAccount.id)
        .limit(1)
    )
    if sibling is None:
        return None
    _link(identity, sibling.user)
    return sibling.user


def _new_account(identity: ExternalIdentity) -> User:
    user = User(
        email=f"{identity.provider}.{secrets.token_hex(10)}@{NO_EMAIL_DOMAIN}",
        name=(identity.display_name or _("Shopper"))[:120],
        password_hash=NO_PASSWORD,
    )
    db.session.add(user)
    db.session.flush()
    _link(identity, user)
    return user


def _link(identity: ExternalIdentity, user: User) -> None:
    db.session.add(
        ExternalAccount(
            user_id=user.id,
            provider=identity.provider,
            issuer=identity.issuer or "",
            subject=identity.subject,
            union_id=identity.union_id or None,
        )
    )
    db.session.flush()
