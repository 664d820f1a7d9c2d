"""Checking an email and password, for the sign-in form and the API's token endpoint."""

from __future__ import annotations

import functools

from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from ..extensions import db
from ..models import User


@functools.cache
def _stand_in_hash() -> str:
    """A hash to check unknown emails against, so they take as long as known ones."""
    return generate_password_hash("no account has this password")


def authenticate(email: str, password: str) -> User | None:
    """The account with this email and password, or None, in the same time either way."""
    user = db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))
    if user is None:
        check_password_hash(_stand_in_hash(), password)
        return None
    return user if user.check_password(password) else None
