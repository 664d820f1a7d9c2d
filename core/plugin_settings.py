"""Changing plugin enablement and configuration: validated, audited, and cache-invalidating."""

from __future__ import annotations

from typing import Any

from flask import current_app
from sqlalchemy import select, update

from .extensions import db
from .models import AuditLog, Category, Merchant, PlatformPlugin, PluginSetting, User


def _scope_label(category: Category | None) -> str:
    return category.slug if category is not None else "*"


def audit(
    merchant: Merchant | None,
    actor: User | None,
    action: str,
    target: str,
    before: dict | None,
    after: dict | None,
) -> None:
    db.session.add(
        AuditLog(
            merchant_id=merchant.id if merchant else None,
            user_id=actor.id if actor else None,
            actor_label=actor.email if actor else "system",
            action=action,
            target=target,
            before=before,
            after=after,
        )
    )


#: Setting names that hold credentials even when a plugin forgets to declare them.
SECRET_WORDS = ("secret", "password", "token", "api_key", "apikey", "salt", "private_key")
SET, CHANGED = "•••• (set)", "•••• (changed)"


def is_secret(plugin: str, key: str) -> bool:
    info = current_app.extensions["storefront"].plugins.info(plugin)
    lowered = key.lower()
    return key in info.secret_settings or any(word in lowered for word in SECRET_WORDS)


def masked(plugin: str, before: dict, after: dict) -> tuple[dict, dict]:
    """Before and after for the audit log, credentials replaced by whether they changed.

    The audit log is read by every manager of the shop and kept for years; a webhook
    secret in clear there is a secret given to all of them.
    """
    before, after = dict(before), dict(after)
    for key in set(before) | set(after):
        if not is_secret(plugin, key):
            continue
        old, new = before.get(key), after.get(key)
        if key in before:
            before[key] = SET if old else ""
        if key in after:
            after[key] = (CHANGED if new != old else SET) if new else ""
    return before, after


def bump_version(merchant: Merchant) -> None:
    """Every process compares this number with its cache on the next request."""
    db.session.execute(
        update(Merchant)
        .where(Merchant.id == merchant.id)
        .values(settings_version=Merchant.settings_version + 1)
    )
    db.session.refresh(merchant, ["settings_version"])


def _row(merchant: Merchant, category: Category | None, plugin: str) -> PluginSetting | None:
    query = select(PluginSetting).where(
        PluginSetting.merchant_id == merchant.id, PluginSetting.plugin == plugin
    )
    if category is None:
        query = query.where(PluginSetting.category_id.is_(None))
    else:
        query = query.where(PluginSetting.category_id == category.id)
    return db.session.scalar(query)


def _known(plugin: str) -> None:
    manager = current_app.extensions["storefront"].plugins
    if plugin not in manager.records or manager.info(plugin).internal:
        raise KeyError(plugin)


def set_enabled(
    merchant: Merchant,
    plugin: str,
    enabled: bool | None,
    category: Category | None = None,
    actor: User | None = None,
) -> None:
    """Set a scope's own switch: True, False, or None to inherit from the wider scope."""
    _known(plugin)
    row = _row(merchant, category, plugin)
    before = {"enabled": row.enabled} if row else {"enabled": None}
    if row is None:
        row = PluginSetting(
            merchant_id=merchant.id,
            category_id=category.id if category else None,
            plugin=plugin,
            config={},
        )
        db.session.add(row)
    row.enabled = enabled
    audit(
        merchant,
        actor,
        "plugin.enabled",
        f"{plugin}@{_scope_label(category)}",
        before,
        {"enabled": enabled},
    )
    bump_version(merchant)


def set_config(
    merchant: Merchant,
    plugin: str,
    config: dict[str, Any],
    category: Category | None = None,
    actor: User | None = None,
) -> None:
    """Replace a scope's own overrides (keys absent here are inherited)."""
    _known(plugin)
    row = _row(merchant, category, plugin)
    before = dict(row.config or {}) if row else {}
    if row is None:
        row = PluginSetting(
            merchant_id=merchant.id,
            category_id=category.id if category else None,
            plugin=plugin,
            enabled=None,
        )
        db.session.add(row)
    row.config = dict(config)
    shown_before, shown_after = masked(plugin, before, config)
    target = f"{plugin}@{_scope_label(category)}"
    audit(merchant, actor, "plugin.config", target, shown_before, shown_after)
    bump_version(merchant)


def set_platform(plugin: str, available: bool, enabled: bool | None, actor: User | None) -> None:
    """The platform admin's availability and default; every merchant re-reads its settings."""
    _known(plugin)
    row = db.session.get(PlatformPlugin, plugin)
    before = {"available": row.available, "enabled": row.enabled} if row else None
    if row is None:
        row = PlatformPlugin(plugin=plugin)
        db.session.add(row)
    row.available = available
    row.enabled = enabled
    audit(
        None, actor, "platform.plugin", plugin, before, {"available": available, "enabled": enabled}
    )
    db.session.execute(update(Merchant).values(settings_version=Merchant.settings_version + 1))
