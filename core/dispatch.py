"""The one way into plugins: a hook call where the scope follows the object it is about.

Render hooks (the `hook()` template global and `call_hook`), events delivered from the
outbox and the worker's periodic work all come here. Each hookspec says which argument it
is about (`scoped_by`); this module turns that object into the plugins that may act:

- a product, an order line, a category or a plugin record: the plugins on in its scope;
- a list marked `grouped`: one call per category, each with its own products and scope;
- an order: the plugins on for at least one line, each handed only those `lines`;
- nothing (a shop-wide hook): the plugins on somewhere in the shop.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from flask import current_app, g, has_app_context
from markupsafe import Markup, escape

from .hookspecs import subject_of
from .models import Order
from .plugin_manager import PluginManager
from .scopes import Scope, scope_of


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


@dataclass
class Batch:
    """One pluggy call: its arguments, who is left out, and what each plugin gets of its own."""

    kwargs: dict[str, Any]
    disabled: frozenset[str]
    per_plugin: dict[str, dict[str, Any]] = field(default_factory=dict)


def _manager() -> PluginManager:
    return current_app.extensions["storefront"].plugins


def _spec(manager: PluginManager, name: str) -> Any:
    caller = getattr(manager.hook, name, None)
    if caller is None or caller.spec is None:
        raise AttributeError(f"no hook named {name!r}")
    return caller.spec


def _with_scope(spec: Any, kwargs: dict[str, Any], scope: Scope | None) -> dict[str, Any]:
    if "scope" in spec.argnames:
        return {**kwargs, "scope": scope}
    return kwargs


def plan(
    manager: PluginManager,
    name: str,
    kwargs: dict[str, Any],
    scope: Scope | None,
    only: Iterable[str] | None = None,
) -> list[Batch]:
    """The calls a hook call becomes, and which plugins act in each (nothing is called)."""
    spec = _spec(manager, name)
    argument, grouped = subject_of(spec.function)
    subject = kwargs.get(argument) if argument else None
    outside = frozenset(manager.records) - frozenset(only) if only is not None else frozenset()
    if grouped and isinstance(subject, (list, tuple)):
        return _per_scope(spec, argument, subject, kwargs, scope, outside)
    if isinstance(subject, Order):
        return [_per_line(manager, name, spec, subject, kwargs, outside)]
    found = scope_of(subject) if subject is not None else None
    if found is not None:
        return [Batch(_with_scope(spec, kwargs, found), found.disabled | outside)]
    shop = scope.shop if scope is not None else None
    disabled = shop.disabled_everywhere if shop is not None else frozenset()
    return [Batch(_with_scope(spec, kwargs, shop), disabled | outside)]


def _per_scope(spec, argument, subjects, kwargs, scope, outside) -> list[Batch]:
    """A listing split by category: each category's products in that category's scope."""
    groups: dict[Any, tuple[Scope | None, list[Any]]] = {}
    for item in subjects:
        found = scope_of(item) or scope
        key = (found.merchant.id, found.category_id) if found is not None else None
        groups.setdefault(key, (found, []))[1].append(item)
    batches = []
    for found, members in groups.values():
        disabled = (found.disabled if found is not None else frozenset()) | outside
        batch_kwargs = _with_scope(spec, {**kwargs, argument: members}, found)
        batches.append(Batch(batch_kwargs, disabled))
    return batches


def _per_line(manager, name, spec, order: Order, kwargs, outside) -> Batch:
    """An order-level call: each plugin reached only with the lines where it is on."""
    line_scopes = [(line, scope_of(line)) for line in order.items]
    per_plugin: dict[str, dict[str, Any]] = {}
    for plugin in manager.implementers(name):
        if plugin in outside:
            continue
        lines = [line for line, found in line_scopes if found.enabled(plugin)]
        if lines:
            per_plugin[plugin] = {"lines": lines}
    disabled = frozenset(manager.records) - frozenset(per_plugin)
    shop = Scope(order.merchant)
    batch_kwargs = _with_scope(spec, {**kwargs, "lines": list(order.items)}, shop)
    return Batch(batch_kwargs, disabled, per_plugin)


def acting(
    name: str, kwargs: dict[str, Any], scope: Scope | None, manager: PluginManager | None = None
) -> list[str]:
    """The plugins a call would reach (the outbox makes one delivery for each)."""
    manager = manager or _manager()
    reached: list[str] = []
    for batch in plan(manager, name, kwargs, scope):
        for plugin in manager.implementers(name):
            if plugin not in batch.disabled and plugin not in reached:
                reached.append(plugin)
    return reached


def dispatch(
    name: str,
    kwargs: dict[str, Any],
    scope: Scope | None,
    isolate: bool,
    only: Iterable[str] | None = None,
    manager: PluginManager | None = None,
) -> list[Any]:
    """Call a hook where it applies; `only` limits it further (one delivery, one plugin)."""
    manager = manager or _manager()
    answers: list[Any] = []
    for batch in plan(manager, name, kwargs, scope, only):
        answers.extend(manager.call(name, batch.kwargs, batch.disabled, isolate, batch.per_plugin))
    return answers


def call_hook(name: str, scope: Scope | None = None, **kwargs: Any) -> HookResult:
    """Call a hook from a page: each plugin on its own, where it is on for the object.

    A plugin that raises loses only its own part; the exception is logged with its name.
    With STOREFRONT_STRICT_PLUGINS the exception propagates so tests see the bug, and an
    unknown hook name raises instead of rendering nothing.
    """
    strict = current_app.config["STOREFRONT_STRICT_PLUGINS"]
    if scope is None and has_app_context():
        scope = g.get("scope")
    try:
        return HookResult(dispatch(name, kwargs, scope, isolate=not strict))
    except AttributeError:
        if strict or _known(name):
            raise
        return HookResult()


def _known(name: str) -> bool:
    caller = getattr(_manager().hook, name, None)
    return caller is not None and caller.spec is not None
