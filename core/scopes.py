"""Which plugins act in a scope (merchant, category) and with what configuration.

A merchant's rows are read in one query and kept in a per-process cache stamped with the
merchant's `settings_version`; every change bumps that number, so each server process
notices on its next request (the merchant row is loaded anyway) and reloads. Adding a
category or changing its kind bumps it too (see `_bump_on_category_change`): a category's
kind decides its defaults.

The scope follows the object: `scope_of(product)` is the product's category scope, an
order line's is its product's, and a plugin record's is that of whatever its
`scope_subject` names.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from flask import current_app, g, has_app_context
from sqlalchemy import event, inspect, literal, null, select, union_all, update
from sqlalchemy.orm import Session
from werkzeug.datastructures import MultiDict
from wtforms import BooleanField

from .extensions import db
from .models import (
    Category,
    Merchant,
    Order,
    OrderItem,
    PlatformPlugin,
    PluginSetting,
    Product,
    Variant,
)

if TYPE_CHECKING:
    from .plugin_manager import PluginManager

# Why a plugin is on or off in a scope; the admin shows these.
REASONS = (
    "core",
    "failed",
    "hidden",
    "category",
    "kind",
    "shop",
    "platform",
    "default",
    "replaced",
    "conflict",
)


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
        kinds: dict[int, str] | None = None,
    ) -> None:
        self.manager = manager
        self.version = version
        self.rows = {(r.category_id, r.plugin): (r.enabled, dict(r.config or {})) for r in rows}
        self.platform = {name: (p.available, p.enabled) for name, p in platform.items()}
        self.kinds = dict(kinds or {})  # category id -> kind, for every category of the shop
        self._states: dict[int | None, ScopeState] = {}
        self._somewhere: frozenset[str] | None = None
        self._lock = threading.RLock()  # a category's state reads the shop's first

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

    def kind_of(self, category_id: int | None) -> str | None:
        return self.kinds.get(category_id) if category_id is not None else None

    def disabled_everywhere(self) -> frozenset[str]:
        """Plugins off shop-wide and in every category: the only ones shop-wide hooks skip."""
        if self._somewhere is None:
            on = {
                name
                for scope_id in (None, *self.kinds)
                for name, state in self.state(scope_id).states.items()
                if state.enabled
            }
            self._somewhere = frozenset(set(self.manager.records) - on)
        return self._somewhere

    def _raw_state(self, name: str, category_id: int | None) -> PluginState:
        record = self.manager.records[name]
        info = record.info
        if record.failed:
            return PluginState(False, "failed")
        if info.internal:
            return PluginState(True, "core")
        available, platform_enabled = self.platform.get(name, (True, None))
        own = self.rows.get((category_id, name), (None, None))[0]
        if not available:
            return PluginState(False, "hidden", own=own)
        if category_id is not None and own is not None:
            return PluginState(own, "category", own=own)
        if not info.suits(self.kind_of(category_id)):
            return PluginState(False, "kind", own=own)
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
        """A scope's stored overrides; a category's never include shop-wide-only keys."""
        own = dict(self.rows.get((category_id, name), (None, {}))[1] or {})
        if category_id is not None:
            for key in self.manager.info(name).shop_wide_settings:
                own.pop(key, None)
        return own

    def inherited_config(self, name: str, category_id: int | None) -> dict[str, Any]:
        """What a scope gets when it overrides nothing: the kind's defaults, then the shop's."""
        info = self.manager.info(name)
        values = info.defaults_for(self.kind_of(category_id))
        if category_id is not None:
            shop = self.state(None).settings.get(
                name, {}
            )  # validated: a broken key is not passed on
            values.update({k: shop[k] for k in self.own_config(name, None) if k in shop})
        return values

    def _merged_config(self, name: str, category_id: int | None):
        info = self.manager.info(name)
        inherited = self.inherited_config(name, category_id)
        merged = {**inherited, **self.own_config(name, category_id)}
        return validate_config(info, merged, fallback=inherited)


def validate_config(
    info, values: dict[str, Any], fallback: dict[str, Any] | None = None
) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """Coerce `values` through the plugin's settings form; an invalid key takes its inherited
    value (`fallback`, else the plugin's default) and is reported in the admin.

    The values are validated as if the admin had submitted them, so validators that look
    at the submitted text (InputRequired, Length) judge stored settings the same way.
    """
    form_class = info.settings_form
    if form_class is None:
        return values, {}
    probe = form_class(formdata=None, data=values, meta={"csrf": False})
    form = form_class(formdata=as_formdata(probe), meta={"csrf": False})
    clean = dict(values)
    clean.update({k: v for k, v in form.data.items() if k in form._fields})
    if form.validate():
        return clean, {}
    fallback = info.default_settings if fallback is None else fallback
    for key in form.errors:
        clean[key] = fallback.get(key)
    return clean, {k: [str(e) for e in v] for k, v in form.errors.items()}


def as_formdata(form) -> MultiDict:
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


def _load_settings(merchant_id: int) -> tuple[list[Any], dict[str, Any], dict[int, str]]:
    """The merchant's rows, the platform's rows and the shop's category kinds in one query."""
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
    category_rows = select(
        literal("category"), Category.id, Category.kind, null(), null(), null()
    ).where(Category.merchant_id == merchant_id)
    rows, platform, kinds = [], {}, {}
    for row in db.session.execute(union_all(merchant_rows, platform_rows, category_rows)):
        if row.source == "platform":
            platform[row.plugin] = row
        elif row.source == "category":
            kinds[row.category_id] = row.plugin
        else:
            rows.append(row)
    return rows, platform, kinds


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
        rows, platform, kinds = _load_settings(merchant.id)
        entry = MerchantSettings(self.manager, merchant.settings_version, rows, platform, kinds)
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
    def category_id(self) -> int | None:
        return self.category.id if self.category is not None else None

    @property
    def disabled(self) -> frozenset[str]:
        return self.state.disabled

    @property
    def disabled_everywhere(self) -> frozenset[str]:
        return self._merchant_settings.disabled_everywhere()

    def enabled(self, plugin: str) -> bool:
        found = self.state.states.get(plugin)
        return bool(found and found.enabled)

    def settings(self, plugin: str) -> dict[str, Any]:
        return self.state.settings.get(plugin, {})

    def own_config(self, plugin: str) -> dict[str, Any]:
        """The keys this very scope overrides (the admin marks them)."""
        return self._merchant_settings.own_config(plugin, self.category_id)

    def inherited_config(self, plugin: str) -> dict[str, Any]:
        """What this scope would get if it overrode nothing (the admin shows it)."""
        return self._merchant_settings.inherited_config(plugin, self.category_id)

    def for_category(self, category: Category | None) -> Scope:
        if category is self.category:
            return self
        return Scope(self.merchant, category)

    @property
    def shop(self) -> Scope:
        """The shop-wide scope of the same merchant."""
        return self.for_category(None)

    @property
    def hook(self) -> Any:
        return current_app.extensions["storefront"].plugins.hook_for(self.state.disabled)

    def enabled_anywhere(self, plugin: str) -> bool:
        """On shop-wide or in at least one category: decides whether its routes exist at all."""
        return plugin in self._merchant_settings.manager.records and (
            plugin not in self.disabled_everywhere
        )

    def __repr__(self) -> str:
        cat = self.category.slug if self.category else "*"
        return f"<Scope {self.merchant.slug}/{cat} off={sorted(self.disabled)}>"


def _merchant(merchant_id: int) -> Merchant:
    current = g.get("merchant") if has_app_context() else None
    if current is not None and current.id == merchant_id:
        return current
    return db.session.get(Merchant, merchant_id)


def followed(obj: Any) -> Any:
    """What a plugin record is about, followed through `scope_subject` to a core row."""
    for _ in range(8):
        subject = getattr(obj, "scope_subject", None)
        if subject is None or subject is obj:
            break
        obj = subject
    return obj


def scope_of(obj: Any) -> Scope | None:
    """The scope an object belongs to, or None for objects of no shop.

    A product is in its category's scope, a variant and an order line in their product's
    (a line whose product is gone, and an order as a whole, in the shop-wide scope). A
    plugin's own record says what it concerns with a `scope_subject` property (a return
    request names its order line, a question its product) and is followed there.
    """
    obj = followed(obj)
    if isinstance(obj, Variant):
        obj = obj.product
    if isinstance(obj, OrderItem):
        if obj.product is None:
            return Scope(obj.order.merchant)
        obj = obj.product
    if isinstance(obj, Product):
        return Scope(_merchant(obj.merchant_id), obj.category)
    if isinstance(obj, Category):
        return Scope(_merchant(obj.merchant_id), obj)
    if isinstance(obj, Order):
        return Scope(obj.merchant)
    if isinstance(obj, Merchant):
        return Scope(obj)
    merchant_id = getattr(obj, "merchant_id", None)
    if isinstance(merchant_id, int):
        return Scope(_merchant(merchant_id))
    return None


def lines_where(plugin: str, order: Order) -> list[OrderItem]:
    """The order's lines in whose scope `plugin` acts: all an order-level hook may see."""
    return [item for item in order.items if scope_of(item).enabled(plugin)]


@event.listens_for(Session, "before_flush")
def _bump_on_category_change(session: Session, flush_context, instances) -> None:
    """A new, removed or re-kinded category changes which defaults apply: re-read settings."""
    touched = [c for c in (*session.new, *session.deleted) if isinstance(c, Category)]
    touched += [
        c
        for c in session.dirty
        if isinstance(c, Category) and inspect(c).attrs.kind.history.has_changes()
    ]
    changed = {c.merchant_id or (c.merchant.id if c.merchant else None) for c in touched}
    changed.discard(None)
    if changed:
        session.execute(
            update(Merchant)
            .where(Merchant.id.in_(changed))
            .values(settings_version=Merchant.settings_version + 1)
            .execution_options(synchronize_session="fetch")
        )
