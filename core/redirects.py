"""Where a form may send the browser next: only to a path on this site.

Browsers drop tabs and newlines from URLs and read a backslash as a slash, so
`/\t/evil.example` or `/\\evil.example` arrive as `//evil.example`, another site. A
target is therefore accepted only when it is a plain path: it starts with one slash, has
no control characters or backslashes, and parses with neither scheme nor host.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import redirect, request
from werkzeug.wrappers import Response


def safe_target(target: str | None, default: str) -> str:
    """`target` when it is a path on this site, otherwise `default`."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return default
    if "\\" in target or any(ord(c) < 0x20 or ord(c) == 0x7F for c in target):
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return default
    return target


def redirect_next(default: str) -> Response:
    """Redirect to the request's `next` (query or form) if it is safe, else to `default`."""
    return redirect(safe_target(request.values.get("next"), default))
