"""Themed rendering: pages and plugin fragments through the current shop's theme."""

from __future__ import annotations

from typing import Any

from flask import current_app, g, has_request_context
from flask import render_template as flask_render_template


def render_template(name: str, **context: Any) -> str:
    """Render through the current shop's theme when there is one (plugins use this too).

    A product page renders itself and a fragment per plugin section, badge and tag; the
    context processors (shop, categories, cart, user, CSRF, locale) give the same answer
    for all of them, so within a request they run once and the fragments reuse the result.
    """
    if not has_request_context():
        return flask_render_template(name, **context)
    theme = getattr(g, "theme", None)
    if theme and not name.startswith("@"):
        name = f"@{theme}/{name}"
    shared = g.get("_template_context")
    if shared is None:
        shared = {}
        current_app.update_template_context(shared)
        g._template_context = shared
    template = current_app.jinja_env.get_or_select_template(name)
    return template.render({**shared, **context})
