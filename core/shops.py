"""Creating shops: slug rules and the owner's membership."""

from __future__ import annotations

import re

from sqlalchemy import select

from .extensions import db
from .models import Membership, Merchant, User

SLUG_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")
RESERVED = {"admin", "api", "static", "uploads", "platform", "login", "logout", "register"}


class SlugError(ValueError):
    pass


def check_slug(slug: str) -> str:
    slug = slug.strip().lower()
    if not SLUG_RE.match(slug) or slug in RESERVED:
        raise SlugError("use 1-64 lowercase letters, digits and dashes (not a reserved word)")
    if db.session.scalar(select(Merchant.id).where(Merchant.slug == slug)):
        raise SlugError(f"the address {slug!r} is taken")
    return slug


def create_shop(
    slug: str,
    name: str,
    owner: User,
    locale: str = "en",
    timezone: str = "Asia/Shanghai",
    theme: str = "default",
) -> Merchant:
    merchant = Merchant(
        slug=check_slug(slug), name=name, locale=locale, timezone=timezone, theme=theme
    )
    db.session.add(merchant)
    db.session.flush()
    db.session.add(Membership(user_id=owner.id, merchant_id=merchant.id, role="owner"))
    return merchant
