"""API errors: always `{"error": {"code", "message", "field"}}`, in the caller's language.

A client branches on `code` (stable, English, snake_case) and shows `message`; `field`
names the input that was refused, so a form can put the message beside it.
"""

from __future__ import annotations

from typing import Any

from flask import jsonify
from flask_babel import gettext as _
from pydantic import BaseModel

CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    422: "unprocessable",
    429: "rate_limited",
    500: "server_error",
}


def default_message(status: int) -> str:
    messages = {
        400: _("The request could not be understood."),
        401: _("Sign in first: send a valid bearer token."),
        403: _("You do not have access to this."),
        404: _("We could not find that."),
        405: _("That action is not allowed here."),
        409: _("That conflicts with the current state."),
        413: _("The upload is too large."),
        415: _("Send the body as JSON."),
        429: _("Too many requests. Please wait a moment and try again."),
    }
    return messages.get(status, _("Something went wrong on our side. Please try again."))


class ErrorDetail(BaseModel):
    code: str
    message: str
    field: str | None = None


class ErrorBody(BaseModel):
    """Every error the API answers."""

    error: ErrorDetail


class ApiError(Exception):
    """Raise in an API view to answer an error; `field` names the refused input."""

    def __init__(
        self, status: int, message: str | None = None, field: str | None = None, code: str = ""
    ) -> None:
        super().__init__(message or "")
        self.status = status
        self.message = message or default_message(status)
        self.field = field
        self.code = code or CODES.get(status, "error")


def error_json(status: int, message: str | None = None, field: str | None = None, code: str = ""):
    error = ApiError(status, message, field, code)
    body: dict[str, Any] = {"code": error.code, "message": error.message, "field": error.field}
    return jsonify({"error": body}), status


def field_of(location: tuple | list) -> str | None:
    """`("body", "lines", 0, "quantity")` -> "lines.0.quantity"; the model name is dropped."""
    parts = [str(p) for p in location if p not in ("body", "query", "path", "__root__")]
    return ".".join(parts) or None


def validation_message(problem: dict[str, Any]) -> str:
    """A pydantic problem as one sentence in the caller's language."""
    kind = problem.get("type", "")
    context = problem.get("ctx") or {}
    if kind == "missing":
        return _("This field is required.")
    if kind in ("string_too_short",):
        return _("Enter at least %(n)s characters.", n=context.get("min_length"))
    if kind in ("string_too_long",):
        return _("Enter at most %(n)s characters.", n=context.get("max_length"))
    if kind in ("greater_than_equal", "greater_than"):
        return _("Enter a number of at least %(n)s.", n=context.get("ge", context.get("gt")))
    if kind in ("less_than_equal", "less_than"):
        return _("Enter a number of at most %(n)s.", n=context.get("le", context.get("lt")))
    if kind.startswith("int") or kind.startswith("float"):
        return _("Enter a whole number.")
    if kind == "extra_forbidden":
        return _("This field is not known.")
    if kind in ("literal_error", "enum"):
        return _("Choose one of the allowed values.")
    if kind.startswith("bool"):
        return _("Enter true or false.")
    if kind.startswith("string") or kind == "str_type":
        return _("Enter text.")
    if kind in ("too_short", "too_long", "list_type"):
        return _("Enter a list of the allowed length.")
    return _("This value is not valid.")
