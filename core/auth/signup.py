"""Registration by confirmed email: the form's answer never says whether an address is known.

Both paths do the same work (hash the password, send one mail) and show the same page;
only the mail differs. A new address gets a single-use link that creates the account; a
known one is told it already has an account, so its owner learns someone tried.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from flask import g, url_for
from flask_babel import gettext as _
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from werkzeug.security import generate_password_hash

from ..extensions import db
from ..mail import absolute, send_email
from ..models import SignupRequest, User, utcnow
from .sessions import digest

LINK_LIFETIME = timedelta(hours=24)


def _site_name() -> str:
    merchant = getattr(g, "merchant", None)
    return merchant.name if merchant is not None else "Storefront"


def _confirm_link(token: str) -> str:
    if getattr(g, "merchant", None) is not None:
        return absolute(url_for("auth.confirm", merchant=g.merchant.slug, token=token))
    return absolute(url_for("auth.confirm", token=token))


def request_account(
    email: str, name: str, phone: str | None, password: str, next_url: str | None
) -> None:
    """Send the confirmation link, or the "you already have an account" mail."""
    password_hash = generate_password_hash(password)
    known = db.session.scalar(select(User.id).where(func.lower(User.email) == email))
    site = _site_name()
    if known is not None:
        send_email(
            email,
            _("You already have an account at %(site)s", site=site),
            _(
                "Someone, hopefully you, tried to create an account at %(site)s with this "
                "address. It already has one: sign in here.\n\n%(link)s\n\n"
                "If it was not you, you can ignore this message; nothing has changed.",
                site=site,
                link=absolute(url_for("auth.login")),
            ),
        )
        return
    db.session.execute(
        delete(SignupRequest).where(SignupRequest.created_at < utcnow() - LINK_LIFETIME)
    )
    token = secrets.token_urlsafe(32)
    db.session.add(
        SignupRequest(
            token_digest=digest(token),
            email=email,
            name=name,
            phone=phone,
            password_hash=password_hash,
            next_url=(next_url or "")[:500] or None,
        )
    )
    db.session.commit()
    send_email(
        email,
        _("Confirm your email address for %(site)s", site=site),
        _(
            "Welcome, %(name)s! Open this link within 24 hours to finish creating your "
            "account at %(site)s:\n\n%(link)s\n\n"
            "If you did not ask for an account, ignore this message.",
            name=name,
            site=site,
            link=_confirm_link(token),
        ),
    )


def find(token: str) -> SignupRequest | None:
    """The pending registration of a link that is unused and not expired."""
    if len(token) > 100:
        return None
    return db.session.scalar(
        select(SignupRequest).where(
            SignupRequest.token_digest == digest(token),
            SignupRequest.created_at >= utcnow() - LINK_LIFETIME,
        )
    )


def complete(pending: SignupRequest) -> tuple[User | None, str | None]:
    """Create the account (the link is then used up); None when the address got one since."""
    next_url = pending.next_url
    user = User(
        email=pending.email,
        name=pending.name,
        phone=pending.phone,
        password_hash=pending.password_hash,
    )
    db.session.delete(pending)
    db.session.add(user)
    try:
        db.session.commit()
    except IntegrityError:  # the same address confirmed twice at once, or registered since
        db.session.rollback()
        db.session.execute(delete(SignupRequest).where(SignupRequest.id == pending.id))
        db.session.commit()
        return None, None
    return user, next_url
