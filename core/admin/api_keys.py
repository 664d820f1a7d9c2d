"""Merchant API keys: created and revoked by the owner; only a digest is stored."""

from __future__ import annotations

from ..api.auth import new_key
from ..auth.sessions import digest
from ..extensions import db
from ..models import ApiKey, Merchant, User, utcnow
from ..plugin_settings import audit


def create_key(
    merchant: Merchant, created_by: User, name: str, scopes: list[str]
) -> tuple[ApiKey, str]:
    """A new key (committed) and its secret, which is shown once and never again."""
    secret = new_key()
    key = ApiKey(
        merchant_id=merchant.id,
        created_by_id=created_by.id,
        name=name.strip(),
        token_digest=digest(secret),
        hint=secret[-4:],
        scopes=sorted(set(scopes)),
    )
    db.session.add(key)
    db.session.flush()
    audit(merchant, created_by, "api_key.create", key.name, None, {"scopes": key.scopes})
    db.session.commit()
    return key, secret


def revoke_key(key: ApiKey, actor: User) -> None:
    """The key stops working at once (committed); the row stays for the record."""
    if key.revoked_at is None:
        key.revoked_at = utcnow()
        merchant = db.session.get(Merchant, key.merchant_id)
        audit(merchant, actor, "api_key.revoke", key.name, {"scopes": key.scopes}, None)
        db.session.commit()
