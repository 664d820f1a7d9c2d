"""Merchant API keys and the web origins allowed to call the API: created, revoked, audited.

Only a digest of a key is stored; its secret is shown once, when it is created.
"""

from __future__ import annotations

import re

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..api.auth import new_key
from ..auth.sessions import digest
from ..extensions import db
from ..models import API_KEY_SCOPES, ApiKey, Merchant, User, utcnow
from ..plugin_settings import audit

# What each scope lets a key do, in the words the owner reads when ticking it.
SCOPE_LABELS = {
    "orders:read": _l("Read orders: list, search and open them, with the shopper's contact"),
    "orders:write": _l("Move orders along: change their status"),
    "returns:write": _l("Decide returns: approve, decline, receive, refund"),
    "reviews:write": _l("Moderate reviews and reply to them"),
    "questions:write": _l("Answer shoppers' questions"),
    "contact:write": _l("Work the contact queue: reply, assign, resolve"),
    "plugins:read": _l("Read the plugin matrix and each plugin's settings"),
    "plugins:write": _l("Switch plugins on or off and change their settings"),
}

MAX_ORIGINS = 20
DEFAULT_PORTS = {"http": "80", "https": "443"}
LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
ORIGIN = re.compile(rf"^(https?)://({LABEL}(?:\.{LABEL})*|\[[0-9a-f:.]+\])(?::(\d{{1,5}}))?/?$")


def scope_choices() -> list[tuple[str, str]]:
    return [(scope, str(SCOPE_LABELS.get(scope, scope))) for scope in API_KEY_SCOPES]


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


def parse_origins(text: str) -> list[str]:
    """One origin a line as a browser sends it in `Origin`; ValueError names the first bad line.

    Scheme and host are lower-cased and a default port dropped (a browser never sends
    `:443`), so what the owner types is what the CORS check compares.
    """
    found: list[str] = []
    for number, line in enumerate(text.splitlines(), start=1):
        raw = line.strip()
        if not raw:
            continue
        match = ORIGIN.match(raw.lower()) if len(raw) <= 255 else None
        port = match.group(3) if match else None
        if match is None or (port is not None and not 0 < int(port) < 65536):
            raise ValueError(
                _(
                    "Line %(n)s: “%(origin)s” is not a web origin. Write it as "
                    "https://shop.example or https://shop.example:8443, without a path.",
                    n=number,
                    origin=raw[:80],
                )
            )
        scheme, host = match.group(1), match.group(2)
        origin = f"{scheme}://{host}"
        if port is not None and port.lstrip("0") != DEFAULT_PORTS[scheme]:
            origin += f":{int(port)}"
        if origin not in found:
            found.append(origin)
    if len(found) > MAX_ORIGINS:
        raise ValueError(_("List at most %(n)s origins.", n=MAX_ORIGINS))
    return found


def set_origins(merchant: Merchant, origins: list[str], actor: User) -> bool:
    """Replace the shop's allowed origins (audited, not committed); False when unchanged."""
    before = list(merchant.api_origins or [])
    if before == origins:
        return False
    merchant.api_origins = origins or None
    audit(
        merchant,
        actor,
        "shop.api_origins",
        merchant.slug,
        {"api_origins": before},
        {"api_origins": origins},
    )
    return True
