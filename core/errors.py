"""Error pages and JSON errors: no bad input ever reaches the shopper as a 500."""

from __future__ import annotations

import logging

from flask import Flask, jsonify, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from .rendering import render_template

log = logging.getLogger("storefront.errors")

MESSAGES = {
    400: lambda: _("The request could not be understood."),
    403: lambda: _("You do not have access to this page."),
    404: lambda: _("We could not find that page."),
    405: lambda: _("That action is not allowed here."),
    413: lambda: _("The upload is too large."),
    429: lambda: _("Too many attempts. Please wait a moment and try again."),
    500: lambda: _("Something went wrong on our side. Please try again."),
}


def wants_json() -> bool:
    return (
        request.is_json
        or request.path.startswith("/api/")
        or (request.accept_mimetypes.best == "application/json")
    )


def error_response(code: int, message: str | None = None):
    from .api import error_json, is_api_path

    if is_api_path(request.path):
        return error_json(code, message)
    message = message or MESSAGES.get(code, MESSAGES[500])()
    if wants_json():
        return jsonify({"error": message, "status": code}), code
    return render_template("errors/error.html", code=code, message=message), code


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return error_response(400, _("Your form expired. Please reload the page and try again."))

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code is None or error.code < 400:
            return error
        return error_response(error.code)

    @app.errorhandler(Exception)
    def unexpected(error: Exception):
        if app.config.get("TESTING") and app.config.get("STOREFRONT_STRICT_PLUGINS"):
            raise error
        log.exception("unhandled error on %s", request.path)
        return error_response(500)
