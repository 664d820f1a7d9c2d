"""Sign-ins kept on the server, so signing out really ends them.

A Flask session cookie is signed, not stored: a copy taken before sign-out would open the
account for as long as the secret key lives, and so would a copied remember token. Each
sign-in is therefore a `UserSession` row, and the id Flask-Login keeps (in the session and
in the remember cookie) is "<user id>:<random token>". Loading a user looks the row up in
the same query; deleting the row revokes every copy of that sign-in at once.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from flask import current_app, request
from flask_login import current_user, login_user, logout_user
from sqlalchemy import delete, select

from ..extensions import db
from ..models import User, UserSession, utcnow


def digest(token: str) -> str:
    """What is stored of a token sent to a browser or a mailbox: a copy of the table
    cannot be used to sign in or to finish a registration."""
    return hashlib.sha256(token.encode()).hexdigest()


def _oldest_alive():
    """Sign-ins end when a remember cookie would: none lives longer than that."""
    return utcnow() - timedelta(seconds=int(current_app.config["REMEMBER_COOKIE_DURATION"]))


def issue(user: User, user_agent: str | None = None) -> str:
    """Record a new sign-in of `user` (commits) and return the key its browser keeps."""
    db.session.execute(
        delete(UserSession).where(
            UserSession.user_id == user.id, UserSession.created_at < _oldest_alive()
        )
    )
    token = secrets.token_urlsafe(32)
    agent = (user_agent or "")[:200] or None
    db.session.add(UserSession(user_id=user.id, token_digest=digest(token), user_agent=agent))
    db.session.commit()
    return f"{user.id}:{token}"


def start(user: User, remember: bool = False) -> None:
    """Sign `user` in on this browser as a new sign-in."""
    user.session_key = issue(user, request.user_agent.string)
    login_user(user, remember=remember)


def load(session_key: str) -> User | None:
    """The user of a live sign-in, or None when it was revoked, forged or is from before."""
    user_id, _, token = session_key.partition(":")
    if not user_id.isdigit() or not token:
        return None
    user = db.session.scalar(
        select(User)
        .join(UserSession, UserSession.user_id == User.id)
        .where(User.id == int(user_id), UserSession.token_digest == digest(token))
        .where(UserSession.created_at >= _oldest_alive())
    )
    if user is not None:
        user.session_key = session_key
    return user


def _current_digest() -> str | None:
    key = getattr(current_user, "session_key", None)
    return digest(key.partition(":")[2]) if key else None


def end() -> None:
    """Sign this browser out: its sign-in and remember token stop working everywhere."""
    current = _current_digest()
    if current is not None:
        db.session.execute(delete(UserSession).where(UserSession.token_digest == current))
        db.session.commit()
    logout_user()


def end_all(user: User, keep_current: bool = False) -> int:
    """Revoke every sign-in of `user` (but this browser's when `keep_current`); how many."""
    query = delete(UserSession).where(UserSession.user_id == user.id)
    current = _current_digest()
    if keep_current and current is not None:
        query = query.where(UserSession.token_digest != current)
    revoked = db.session.execute(query).rowcount
    db.session.commit()
    return revoked


def active(user: User) -> list[UserSession]:
    """The user's sign-ins, newest first, for the account page."""
    return list(
        db.session.scalars(
            select(UserSession)
            .where(UserSession.user_id == user.id)
            .order_by(UserSession.created_at.desc(), UserSession.id.desc())
        )
    )


def is_current(sign_in: UserSession) -> bool:
    return sign_in.token_digest == _current_digest()
