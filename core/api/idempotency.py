"""`Idempotency-Key`: a write retried over a flaky mobile network happens once.

The first request with a key reserves it (committed, so a parallel retry sees it), runs,
and stores its answer; retries with the same key and body get that answer again with
`Idempotent-Replayed: true`. The same key with a different body is refused (422); a retry
that arrives while the first is still running gets 409 and should try again shortly.
Answers are kept for a day. A 5xx is not stored, so a retry after a failure runs again.
"""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta
from functools import wraps

from flask import current_app, g, request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import delete, select

from ..extensions import db
from ..models import IdempotentAnswer, utcnow
from ..rows import insert_once
from .errors import ApiError

HEADER = "Idempotency-Key"
KEY_SHAPE = re.compile(r"[\x21-\x7e]{1,100}")
KEPT_FOR = timedelta(days=1)


def _caller() -> str:
    key = g.get("api_key")
    return f"key:{key.id}" if key is not None else f"user:{current_user.id}"


def _fingerprint() -> str:
    digest = hashlib.sha256(f"{request.method} {request.path}\n".encode())
    digest.update(request.get_data(cache=True))
    return digest.hexdigest()


def _replay(answer: IdempotentAnswer):
    response = current_app.response_class(
        answer.body or "", status=answer.status, mimetype="application/json"
    )
    response.headers["Idempotent-Replayed"] = "true"
    return response


def _existing(caller: str, key: str) -> IdempotentAnswer | None:
    return db.session.scalar(
        select(IdempotentAnswer).where(
            IdempotentAnswer.caller == caller,
            IdempotentAnswer.key == key,
            IdempotentAnswer.created_at >= utcnow() - KEPT_FOR,
        )
    )


def _answer_of_earlier(answer: IdempotentAnswer, fingerprint: str):
    if answer.fingerprint != fingerprint:
        raise ApiError(
            422,
            _("This Idempotency-Key was used for a different request."),
            HEADER,
            code="idempotency_key_reused",
        )
    if answer.status is None:
        raise ApiError(
            409,
            _("The first request with this Idempotency-Key is still running; retry shortly."),
            HEADER,
            code="request_in_progress",
        )
    return _replay(answer)


def idempotency_key() -> str | None:
    """This request's key, checked; None when the client sent none."""
    key = request.headers.get(HEADER)
    if key is None:
        return None
    if not KEY_SHAPE.fullmatch(key):
        raise ApiError(
            400, _("Send 1 to 100 printable characters, no spaces."), HEADER, code="invalid"
        )
    return key


def idempotent(view):
    """Put outside the spectree decorator of a write endpoint that must not happen twice."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        key = idempotency_key()
        if key is None or not current_user.is_authenticated:
            return view(*args, **kwargs)
        caller, fingerprint = _caller(), _fingerprint()
        earlier = _existing(caller, key)
        if earlier is not None:
            return _answer_of_earlier(earlier, fingerprint)
        db.session.execute(
            delete(IdempotentAnswer).where(
                IdempotentAnswer.caller == caller,
                IdempotentAnswer.key == key,
                IdempotentAnswer.created_at < utcnow() - KEPT_FOR,
            )
        )
        reserved = insert_once(
            IdempotentAnswer.__table__,
            caller=caller,
            key=key,
            fingerprint=fingerprint,
            created_at=utcnow(),
        )
        db.session.commit()
        if not reserved:
            return _answer_of_earlier(_existing(caller, key), fingerprint)
        g.idempotency_key = key
        try:
            response = current_app.make_response(view(*args, **kwargs))
        except BaseException:
            db.session.rollback()
            _forget(caller, key)
            raise
        if response.status_code >= 500:
            _forget(caller, key)
            return response
        db.session.execute(
            IdempotentAnswer.__table__.update()
            .where(IdempotentAnswer.caller == caller, IdempotentAnswer.key == key)
            .values(status=response.status_code, body=response.get_data(as_text=True))
        )
        db.session.commit()
        return response

    return wrapper


def _forget(caller: str, key: str) -> None:
    db.session.execute(
        delete(IdempotentAnswer).where(
            IdempotentAnswer.caller == caller, IdempotentAnswer.key == key
        )
    )
    db.session.commit()
