"""Which plugins act in a scope (merchant, category) and with what configuration.

A merchant's rows are read in one query and kept in a per-process cache stamped with the
merchant's `settings_version`; every change bumps that number, so each server process
notices on its next request (the merchant row is loaded anyway) and reloads.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from flask import current_app
from sqlalchemy import literal, null, select, union_all
from werkzeug.datastructures import MultiDict
from wtforms import BooleanField

from .extensions import db
from .models import Category, Merchant, PlatformPlugin, PluginSetting

if TYPE_CHECKING:
    from .plugin_manager import PluginManager

# Why a plugin is on or off in a scope; the admin shows these.
REASONS = ("core", "hidden", "category", "shop", "platform", "default", "replaced", "conflict")


@dataclass(frozen=True)
class PluginState:
    enabled: bool
    reason: str
    replaced_by: str | None = None
    own: bool | None = None  # this scope's own row: None = inherit


@dataclass
class ScopeState:
    states: dict[str, PluginState]
    disabled: frozenset[str]
    settings: dict[str, dict[str, Any]] = field(default_factory=dict)
    config_errors: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


class MerchantSettings:
    """Every plugin row of one merchant at one settings version, resolved lazily per category."""

    def __init__(
        self,
        manager: PluginManager,
        version: int,
        rows: list[Any],
        platform: dict[str, Any],
    ) -> None:
        self.manager = manager
        self.version = version
        self.rows = {(r.category_id, r.plugin): (r.enabled, dict(r.config or {})) for r in rows}
        self.platform = {name: (p.available, p.enabled) for name, p in platform.items()}
        self._states: dict[int | None, ScopeState] = {}
        self._lock = threading.Lock()

    def state(self, category_id: int | None) -> ScopeState:
        try:
            return self._states[category_id]
        except KeyError:
            with self._lock:
                if category_id not in self._states:
                    self._states[category_id] = self._resolve(category_id)
            return self._states[category_id]

    def available(self, plugin: str) -> bool:
        return self.platform.get(plugin, (True, None))[0]

    def _raw_state(self, name: str, category_id: int | None) -> PluginState:
        info = self.manager.info(name)
        if info.internal:
            return PluginState(True, "core")
        available, platform_enabled = self.platform.get(name, (True, None))
        own = self.rows.get((category_id, name), (None, None))[0]
        if not available:
            return PluginState(False, "hidden", own=own)
        if category_id is not None and own is not None:
            return PluginState(own, "category", own=own)
        shop = self.rows.get((None, name), (None, None))[0]
        if shop is not None:
            return PluginState(shop, "shop", own=own)
        if platform_enabled is not None:
            return PluginState(platform_enabled, "platform", own=own)
        return PluginState(info.default_enabled, "default", own=own)

    def _resolve(self, category_id: int | None) -> ScopeState:
        names = list(self.manager.records)
        states = {name: self._raw_state(name, category_id) for name in names}
        problems: list[str] = []
        replaced: dict[str, str] = {}
        for _ in range(len(names) + 1):
            replacers: dict[str, list[str]] = {}
            for name in sorted(names):
                target = self.manager.info(name).replaces
                if target in states and states[name].enabled and name not in replaced:
                    replacers.setdefault(target, []).append(name)
            new = {target: who[0] for target, who in replacers.items()}
            if new == replaced:
                break
            replaced = new
        for target, who in replacers.items():
            if len(who) > 1:
                problems.append(f"{', '.join(who)} all replace {target}; only {who[0]} is used")
                for loser in who[1:]:
                    states[loser] = PluginState(False, "conflict", who[0], states[loser].own)
        for target, by in replaced.items():
            states[target] = PluginState(False, "replaced", by, states[target].own)
        disabled = frozenset(n for n, s in states.items() if not s.enabled)
        scope_state = ScopeState(states=states, disabled=disabled, problems=problems)
        for name in names:
            settings, errors = self._merged_config(name, category_id)
            scope_state.settings[name] = settings
            if errors:
                scope_state.config_errors[name] = errors
        return scope_state

    def own_config(self, name: str, category_id: int | None) -> dict[str, Any]:
        return dict(self.rows.get((category_id, name), (None, {}))[1] or {})

    def _merged_config(self, name: str, category_id: int | None):
        info = self.manager.info(name)
        merged = dict(info.default_settings)
        merged.update(self.own_config(name, None))
        if category_id is not None:
            merged.update(self.own_config(name, category_id))
        return validate_config(info, merged)


def validate_config(info, values: dict[str, Any]) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """Coerce `values` through the plugin's settings form; invalid keys fall back to defaults.

    The values are validated as if the admin had submitted them, so validators that look
    at the submitted text (InputRequired, Length) judge stored settings the same way.
    """
    form_class = info.settings_form
    if form_class is None:
        return values, {}
    probe = form_class(formdata=None, data=values, meta={"csrf": False})
    form = form_class(formdata=_as_formdata(probe), meta={"csrf": False})
    clean = dict(values)
    clean.update({k: v for k, v in form.data.items() if k in form._fields})
    if form.validate():
        return clean, {}
    for key in form.errors:
        clean[key] = info.default_settings.get(key)
    return clean, {k: [str(e) for e in v] for k, v in form.errors.items()}


def _as_formdata(form) -> MultiDict:
    """What a browser would post for a form filled with these values."""
    posted = MultiDict()
    for name, form_field in form._fields.items():
        value = form_field.data
        if isinstance(form_field, BooleanField):
            if value:
                posted.add(name, "y")
        elif isinstance(value, (list, tuple)):
            for item in value:
                posted.add(name, str(item))
        elif value is not None:
            posted.add(name, form_field._value() if hasattr(form_field, "_value") else str(value))
    return posted


def _load_settings(merchant_id: int) -> tuple[list[Any], dict[str, Any]]:
    """The merchant's rows and the platform's rows in one query (a reload costs one query)."""
    merchant_rows = select(
        literal("merchant").label("source"),
        PluginSetting.category_id,
        PluginSetting.plugin,
        PluginSetting.enabled,
        PluginSetting.config,
        null().label("available"),
    ).where(PluginSetting.merchant_id == merchant_id)
    platform_rows = select(
        literal("platform"),
        null(),
        PlatformPlugin.plugin,
        PlatformPlugin.enabled,
        null(),
        PlatformPlugin.available,
    )
    rows, platform = [], {}
    for row in db.session.execute(union_all(merchant_rows, platform_rows)):
        if row.source == "platform":
            platform[row.plugin] = row
        else:
            rows.append(row)
    return rows, platform


class SettingsCache:
    """Per-process cache of MerchantSettings keyed by merchant id and checked by version."""

    def __init__(self, manager: PluginManager) -> None:
        self.manager = manager
        self._entries: dict[int, MerchantSettings] = {}
        self._lock = threading.Lock()
        self.loads = 0

    def for_merchant(self, merchant: Merchant) -> MerchantSettings:
        entry = self._entries.get(merchant.id)
        if entry is not None and entry.version == merchant.settings_version:
            return entry
        rows, platform = _load_settings(merchant.id)
        entry = MerchantSettings(self.manager, merchant.settings_version, rows, platform)
        with self._lock:
            self._entries[merchant.id] = entry
            self.loads += 1
        return entry

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


class Scope:
    """Where a hook call happens: a merchant and optionally one of its categories."""

    __slots__ = ("merchant", "category", "state", "_merchant_settings")

    def __init__(self, merchant: Merchant, category: Category | None = None) -> None:
        self.merchant = merchant
        self.category = category
        cache: SettingsCache = current_app.extensions["storefront"].settings_cache
        self._merchant_settings = cache.for_merchant(merchant)
        self.state = self._merchant_settings.state(category.id if category else None)

    @property
    def disabled(self) -> frozenset[str]:
        return self.state.disabled

    def enabled(self, plugin: str) -> bool:
        found = self.state.states.get(plugin)
        return bool(found and found.enabled)

    def settings(self, plugin: str) -> dict[str, Any]:
        return self.state.settings.get(plugin, {})

    def own_config(self, plugin: str) -> dict[str, Any]:
        """The keys this very scope overrides (the admin marks them)."""
        category_id = self.category.id if self.category else None
        return self._merchant_settings.own_config(plugin, category_id)

    def for_category(self, category: Category | None) -> Scope:
        if category is self.category:
            return self
        return Scope(self.merchant, category)

    @property
    def hook(self) -> Any:
        return current_app.extensions["storefront"].plugins.hook_for(self.state.disabled)

    def enabled_anywhere(self, plugin: str) -> bool:
        """On shop-wide or in at least one category: decides whether its routes exist at all."""
        if self.enabled(plugin):
            return True
        return any(
            self._merchant_settings.state(c.id).states.get(plugin, PluginState(False, "")).enabled
            for c in self.merchant.categories
        )

    def __repr__(self) -> str:
        cat = self.category.slug if self.category else "*"
        return f"<Scope {self.merchant.slug}/{cat} off={sorted(self.disabled)}>"
