"""Rendering helpers: themed templates and the `hook()` Jinja global with failure isolation."""

from __future__ import annotations

from typing import Any

from flask import current_app, g, has_request_context
from flask import render_template as flask_render_template
from markupsafe import Markup, escape


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


class HookResult(list):
    """What `hook()` returns: a list of results that renders as escaped, joined HTML."""

    def __html__(self) -> str:
        return str(
            Markup("").join(item if isinstance(item, Markup) else escape(item) for item in self)
        )

    def __str__(self) -> str:
        return self.__html__()

    def flat(self) -> list[Any]:
        """Items of list-returning hooks (links), flattened across plugins."""
        items: list[Any] = []
        for result in self:
            if isinstance(result, (list, tuple)) and not hasattr(result, "_fields"):
                items.extend(r for r in result if r is not None)
            else:
                items.append(result)
        return items


def call_hook(name: str, scope: Any = None, **kwargs: Any) -> HookResult:
    """Call a hook for the current (or given) scope, each plugin on its own.

    A plugin that raises loses only its own part; the exception is logged with its name.
    With STOREFRONT_STRICT_PLUGINS the exception propagates so tests see the bug.
    """
    state = current_app.extensions["storefront"]
    scope = scope if scope is not None else getattr(g, "scope", None)
    strict = current_app.config["STOREFRONT_STRICT_PLUGINS"]
    manager = state.plugins
    try:
        hooks = manager.hook_for(scope.disabled) if scope is not None else manager.hook
        caller = getattr(hooks, name)
    except AttributeError:
        if strict:
            raise
        return HookResult()
    kwargs["scope"] = scope
    return HookResult(manager.call_each(caller, kwargs, strict))
