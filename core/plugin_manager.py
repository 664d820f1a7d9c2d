"""PluginManager: discovery, registration and scoped dispatch on top of pluggy.

Every plugin is registered once, in the app factory. Whether it acts is decided per call:
`hook_for(scope)` hands back a caller limited to the plugins enabled in that scope, built
with pluggy's `subset_hook_caller` and cached by the frozenset of disabled plugins, so a
request pays a dict look-up, not a rebuild.
"""

from __future__ import annotations

import importlib
import logging
import pkgutil
import time
from collections.abc import Iterable, Iterator
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
    """An installed plugin: its module, its declaration and where it came from."""

    __slots__ = ("module", "info", "source", "blueprints")

    def __init__(self, module: ModuleType, info: PluginInfo, source: str) -> None:
        self.module = module
        self.info = info
        self.source = source
        self.blueprints: set[str] = set()

    @property
    def name(self) -> str:
        return self.info.name


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
        self._scoped: dict[frozenset[str], ScopedHook] = {}
        self.trace = False

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
        record = PluginRecord(module, info, source)
        self.records[info.name] = record
        self._scoped.clear()
        return record

    def discover(
        self,
        internal_modules: Iterable[str],
        only: Iterable[str] | None = None,
        use_entry_points: bool = True,
        extra_modules: Iterable[str] = (),
    ) -> None:
        """Register the core internals, extra modules, built-in plugins and entry points.

        `only` limits the built-in and entry-point plugins to those names (tests pick a set
        this way); `extra_modules` are always registered (plugins under development, tests).
        """
        wanted = set(only) if only is not None else None
        for module_name in internal_modules:
            self.register(importlib.import_module(module_name), source="core")
        for module_name in extra_modules:
            self.register(importlib.import_module(module_name), source="configured")
        for module_name, source in self._candidate_modules(use_entry_points):
            name = module_name.rsplit(".", 1)[-1] if source == "builtin" else None
            if wanted is not None and name is not None and name not in wanted:
                continue
            try:
                module = importlib.import_module(module_name)
            except Exception as exc:
                raise PluginError(f"cannot import plugin {module_name}: {exc}") from exc
            info = getattr(module, "info", None)
            if wanted is not None and getattr(info, "name", None) not in wanted:
                continue
            taken = self.records.get(getattr(info, "name", None))
            if taken is not None and taken.module is module:
                continue  # the same package found twice (built in and as an entry point)
            self.register(module, source=source)

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
        """Callers limited to what is enabled in a scope (or for an explicit disabled set)."""
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
        present = [self.pluggy.get_plugin(p) for p in disabled if p in self.records]
        if not present:
            return getattr(self.pluggy.hook, name)
        return self.pluggy.subset_hook_caller(name, remove_plugins=present)

    def implementations(self, caller: Any) -> list[tuple[str, Any]]:
        """(plugin name, hookimpl) in pluggy's call order, for calling each one on its own."""
        return [(impl.plugin_name, impl) for impl in reversed(caller.get_hookimpls())]

    def call_each(self, caller: Any, kwargs: dict[str, Any], strict: bool) -> list[Any]:
        """Call every implementation separately so that one failing plugin loses only its part.

        A firstresult hook stops at the first answer that is not None, as in pluggy. Wrappers
        are left out: they wrap a whole pluggy call, and here each plugin is called alone.
        """
        firstresult = bool(caller.spec is not None and caller.spec.opts.get("firstresult"))
        results = []
        for plugin_name, impl in self.implementations(caller):
            if impl.wrapper or impl.hookwrapper:
                continue
            args = [kwargs[arg] for arg in impl.argnames]
            started = time.perf_counter() if self.trace else 0.0
            try:
                result = impl.function(*args)
            except Exception:
                if strict:
                    raise
                log.exception("plugin %s failed in hook %s", plugin_name, caller.name)
                continue
            finally:
                if self.trace:
                    log.info(
                        "hook %s plugin=%s %.3f ms",
                        caller.name,
                        plugin_name,
                        (time.perf_counter() - started) * 1000,
                    )
            if result is not None:
                results.append(result)
                if firstresult:
                    break
        return results
