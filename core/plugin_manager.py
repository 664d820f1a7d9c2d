"""PluginManager: discovery, registration and the one call path into plugins.

Every plugin is registered once, in the app factory. Whether it acts is decided per call:
`hook_for(disabled)` hands back callers limited to the plugins that act, built with
pluggy's `subset_hook_caller` and cached by the frozenset of plugins left out, so a call
pays a dict look-up, not a rebuild.

Every call goes through pluggy itself (`call`), so wrappers, tryfirst/trylast and
firstresult mean what pluggy says. Failure isolation lives in each implementation: at
registration its function is wrapped in a guard that, inside an isolating call, logs the
exception with the plugin's name and answers None, so pluggy goes on to the next plugin.
The guard also hands a plugin the arguments meant for it alone (`per_plugin`): an
order-level hook gives each plugin only the order lines where it is on.
"""

from __future__ import annotations

import importlib
import logging
import pkgutil
import time
import traceback
from collections.abc import Callable, Iterable, Iterator
from contextvars import ContextVar
from importlib.metadata import entry_points
from types import ModuleType
from typing import Any

import pluggy

from . import hookspecs
from .plugin_info import PluginInfo

log = logging.getLogger("storefront.plugins")

ENTRY_POINT_GROUP = "storefront.plugins"
BUILTIN_PACKAGE = "storefront.plugins"

hookimpl = pluggy.HookimplMarker("storefront")


class PluginError(Exception):
    """A plugin could not be loaded or is declared wrongly."""


class PluginRecord:
    """An installed plugin: its module, its declaration and where it came from.

    `failed` holds the error of a plugin that broke at start-up: it stays listed (the CLI
    and the platform admin show why) and its routes answer 404, but it never acts.
    """

    __slots__ = ("module", "info", "source", "blueprints", "failed")

    def __init__(self, module: ModuleType, info: PluginInfo, source: str) -> None:
        self.module = module
        self.info = info
        self.source = source
        self.blueprints: set[str] = set()
        self.failed: str | None = None

    @property
    def name(self) -> str:
        return self.info.name


class _Call:
    """One isolating or strict call in progress (read by the guards of the implementations)."""

    __slots__ = ("name", "isolate", "per_plugin", "failed")

    def __init__(self, name: str, isolate: bool, per_plugin: dict[str, dict[str, Any]]) -> None:
        self.name = name
        self.isolate = isolate
        self.per_plugin = per_plugin
        self.failed: list[str] = []


_current_call: ContextVar[_Call | None] = ContextVar("storefront_hook_call", default=None)
_acting: ContextVar[str | None] = ContextVar("storefront_acting_plugin", default=None)


def acting_plugin() -> str | None:
    """The plugin whose implementation is running now, while observers watch (the
    conformance check attributes the rows a plugin writes this way); None otherwise."""
    return _acting.get()


def _guard(manager: PluginManager, plugin: str, hook: str, impl: Any) -> Callable[..., Any]:
    """Wrap one implementation: its own arguments, and its failure kept to itself.

    Every page calls many of these, so the common case (nobody tracing or watching) is a
    context-variable read and a try block; tracing and the conformance observers take the
    longer path in `watched`.
    """
    function = impl.function
    argnames = tuple(impl.argnames)

    def failed(call: _Call | None) -> None:
        if call is None or not call.isolate:
            raise  # the exception the caller is handling
        call.failed.append(plugin)
        log.exception("plugin %s failed in hook %s", plugin, call.name)

    def watched(call: _Call | None, args: tuple, kwargs: dict[str, Any]) -> Any:
        for observer in manager.observers:
            observer(plugin, hook, dict(zip(argnames, args, strict=True)))
        started = time.perf_counter()
        token = _acting.set(plugin)
        try:
            return function(*args, **kwargs)
        except Exception:
            failed(call)
            return None
        finally:
            _acting.reset(token)
            if manager.trace:
                elapsed = (time.perf_counter() - started) * 1000
                log.info("hook %s plugin=%s %.3f ms", function.__name__, plugin, elapsed)

    def guarded(*args: Any, **kwargs: Any) -> Any:
        call = _current_call.get()
        if call is not None and plugin in call.per_plugin:
            own = call.per_plugin[plugin]
            args = tuple(own.get(name, value) for name, value in zip(argnames, args, strict=True))
        if manager.observers or manager.trace:
            return watched(call, args, kwargs)
        try:
            return function(*args, **kwargs)
        except Exception:
            failed(call)
            return None

    guarded.__wrapped__ = function  # type: ignore[attr-defined]
    return guarded


class ScopedHook:
    """`pm.hook_for(scope).some_hook(...)`: pluggy callers without the disabled plugins."""

    def __init__(self, manager: PluginManager, disabled: frozenset[str]) -> None:
        self._manager = manager
        self._disabled = disabled

    def __getattr__(self, name: str) -> Any:
        """Only reached the first time: the caller is then an attribute, found directly."""
        if name.startswith("_"):
            raise AttributeError(name)
        caller = self._manager._build_caller(name, self._disabled)
        setattr(self, name, caller)
        return caller


class PluginManager:
    """Owns the pluggy manager and the registry of installed plugins."""

    def __init__(self) -> None:
        self.pluggy = pluggy.PluginManager("storefront")
        self.pluggy.add_hookspecs(hookspecs)
        self.records: dict[str, PluginRecord] = {}
        self.import_failures: dict[str, str] = {}  # module name -> error, for the CLI and admin
        self._scoped: dict[frozenset[str], ScopedHook] = {}
        self.trace = False
        # Called with (plugin, hook, arguments) before each implementation runs; the
        # conformance check in `storefront.testing` watches plugins this way.
        self.observers: list[Callable[[str, str, dict[str, Any]], None]] = []

    def enable_tracing(self) -> None:
        """Log every hook call (scoped or not) with its implementations and duration."""
        self.trace = True
        started: list[float] = []

        def before(hook_name, hook_impls, kwargs):
            started.append(time.perf_counter())

        def after(outcome, hook_name, hook_impls, kwargs):
            elapsed = (time.perf_counter() - started.pop()) * 1000 if started else 0.0
            names = ",".join(impl.plugin_name for impl in hook_impls)
            log.info("hook %s [%s] %.3f ms", hook_name, names, elapsed)

        self.pluggy.add_hookcall_monitoring(before, after)

    # -- discovery and registration -------------------------------------------------

    def add_hookspecs(self, module: ModuleType) -> None:
        """Let a plugin declare hooks of its own (e.g. tracking's carrier adapters)."""
        self.pluggy.add_hookspecs(module)
        self._scoped.clear()

    def register(self, module: ModuleType, source: str = "builtin") -> PluginRecord:
        info = getattr(module, "info", None)
        if not isinstance(info, PluginInfo):
            raise PluginError(f"{module.__name__} has no `info = PluginInfo(...)`")
        if info.name in self.records:
            raise PluginError(f"plugin name {info.name!r} is already taken")
        if info.replaces == info.name:
            raise PluginError(f"plugin {info.name!r} cannot replace itself")
        own_specs = getattr(module, "hookspecs", None)
        if isinstance(own_specs, ModuleType):
            self.pluggy.add_hookspecs(own_specs)
        self.pluggy.register(module, name=info.name)
        for caller in self.pluggy.get_hookcallers(module) or []:
            for impl in caller.get_hookimpls():
                if impl.plugin_name == info.name and not (impl.wrapper or impl.hookwrapper):
                    impl.function = _guard(self, info.name, caller.name, impl)
        record = PluginRecord(module, info, source)
        self.records[info.name] = record
        self._scoped.clear()
        return record

    def mark_failed(self, name: str, error: BaseException) -> None:
        """Leave a plugin that broke at start-up out of every call, keeping why."""
        record = self.records[name]
        record.failed = "".join(traceback.format_exception_only(error)).strip()[:2000]
        if self.pluggy.get_plugin(name) is not None:
            self.pluggy.unregister(name=name)
        self._scoped.clear()
        log.error("plugin %s failed at start-up and is left out: %s", name, record.failed)

    def discover(
        self,
        internal_modules: Iterable[str],
        only: Iterable[str] | None = None,
        use_entry_points: bool = True,
        extra_modules: Iterable[str] = (),
        strict: bool = True,
    ) -> None:
        """Register the core internals, extra modules, built-in plugins and entry points.

        `only` limits the built-in and entry-point plugins to those names (tests pick a set
        this way); `extra_modules` are always registered (plugins under development, tests).
        Unless `strict`, a built-in or installed plugin that cannot be imported or registered
        is noted in `import_failures` and left out, so one broken package cannot stop a shop.
        """
        wanted = set(only) if only is not None else None
        for module_name in internal_modules:
            self.register(importlib.import_module(module_name), source="core")
        candidates = [(m, "configured") for m in extra_modules]
        candidates += list(self._candidate_modules(use_entry_points))
        for module_name, source in candidates:
            name = module_name.rsplit(".", 1)[-1] if source == "builtin" else None
            if wanted is not None and name is not None and name not in wanted:
                continue
            try:
                module = importlib.import_module(module_name)
            except Exception as exc:
                if strict:
                    raise PluginError(f"cannot import plugin {module_name}: {exc}") from exc
                self.import_failures[module_name] = f"{type(exc).__name__}: {exc}"[:2000]
                log.exception("cannot import plugin %s; it is left out", module_name)
                continue
            info = getattr(module, "info", None)
            chosen = source == "configured" or wanted is None
            if not chosen and getattr(info, "name", None) not in wanted:
                continue
            taken = self.records.get(getattr(info, "name", None))
            if taken is not None and taken.module is module:
                continue  # the same package found twice (built in and as an entry point)
            try:
                self.register(module, source=source)
            except Exception as exc:
                if strict:
                    raise
                self.import_failures[module_name] = f"{type(exc).__name__}: {exc}"[:2000]
                log.exception("cannot register plugin %s; it is left out", module_name)

    @staticmethod
    def _candidate_modules(use_entry_points: bool) -> Iterator[tuple[str, str]]:
        package = importlib.import_module(BUILTIN_PACKAGE)
        for found in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name):
            if found.ispkg and not found.name.startswith("_"):
                yield f"{BUILTIN_PACKAGE}.{found.name}", "builtin"
        if use_entry_points:
            for ep in sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name):
                dist = ep.dist.name if ep.dist else "?"
                yield ep.value.split(":")[0], f"entry point {ep.name} ({dist})"

    # -- look-ups -------------------------------------------------------------------

    def info(self, name: str) -> PluginInfo:
        return self.records[name].info

    def failures(self) -> list[tuple[str, str]]:
        """(name, error) of every plugin that failed to import, register or start, by name."""
        failed = [(r.name, r.failed) for r in self.records.values() if r.failed]
        return sorted([*failed, *self.import_failures.items()])

    @property
    def optional(self) -> list[PluginInfo]:
        """Plugins a merchant can switch (everything but the core internals), by name."""
        return sorted(
            (r.info for r in self.records.values() if not r.info.internal), key=lambda i: i.name
        )

    def plugin_for_blueprint(self, blueprint: str | None) -> str | None:
        if blueprint is None:
            return None
        root = blueprint.split(".", 1)[0]
        for record in self.records.values():
            if root in record.blueprints:
                return record.name
        return None

    @property
    def hook(self) -> Any:
        """Unfiltered pluggy hooks: every registered plugin, whatever the scope."""
        return self.pluggy.hook

    # -- dispatch -------------------------------------------------------------------

    def hook_for(self, scope_or_disabled: Any) -> ScopedHook:
        """Callers limited to what acts in a scope (or without an explicit set of plugins)."""
        disabled = getattr(scope_or_disabled, "disabled", scope_or_disabled)
        if not isinstance(disabled, frozenset):
            disabled = frozenset(disabled)
        try:
            return self._scoped[disabled]
        except KeyError:
            scoped = ScopedHook(self, disabled)
            self._scoped[disabled] = scoped
            return scoped

    def _build_caller(self, name: str, disabled: frozenset[str]) -> Any:
        if not hasattr(self.pluggy.hook, name):
            raise AttributeError(f"no hook named {name!r}")
        present = [
            self.pluggy.get_plugin(p)
            for p in disabled
            if p in self.records and self.pluggy.get_plugin(p) is not None
        ]
        if not present:
            return getattr(self.pluggy.hook, name)
        return self.pluggy.subset_hook_caller(name, remove_plugins=present)

    def implementers(self, name: str) -> list[str]:
        """The plugins that implement a hook (wrappers included), in pluggy's call order."""
        caller = getattr(self.pluggy.hook, name, None)
        if caller is None:
            return []
        return [impl.plugin_name for impl in reversed(caller.get_hookimpls())]

    def call(
        self,
        name: str,
        kwargs: dict[str, Any],
        disabled: frozenset[str] = frozenset(),
        isolate: bool = False,
        per_plugin: dict[str, dict[str, Any]] | None = None,
    ) -> list[Any]:
        """Call a hook through pluggy without the `disabled` plugins; always a list of answers.

        With `isolate`, an implementation that raises is logged and loses only its own
        answer. A wrapper that raises spoils the whole pluggy call; then the call is made
        again without the plugins that wrap this hook, so the page keeps the others.
        """
        caller = getattr(self.hook_for(disabled), name)
        call = _Call(name, isolate, per_plugin or {})
        token = _current_call.set(call)
        try:
            try:
                answer = caller(**kwargs)
            except Exception:
                if not isolate:
                    raise
                wrapping = self._wrapping(name)
                log.exception("a wrapper of hook %s failed; calling it without %s", name, wrapping)
                if not wrapping - disabled:
                    return []
                try:
                    answer = getattr(self.hook_for(disabled | wrapping), name)(**kwargs)
                except Exception:
                    log.exception("hook %s failed again without its wrappers", name)
                    return []
        finally:
            _current_call.reset(token)
        if caller.spec is not None and caller.spec.opts.get("firstresult"):
            return [] if answer is None else [answer]
        return list(answer)

    def _wrapping(self, name: str) -> frozenset[str]:
        caller = getattr(self.pluggy.hook, name)
        return frozenset(
            i.plugin_name for i in caller.get_hookimpls() if i.wrapper or i.hookwrapper
        )
