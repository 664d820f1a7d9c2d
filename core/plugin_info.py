"""The declaration every plugin module exposes as `info`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NamedTuple


@dataclass(frozen=True)
class PluginInfo:
    """What a plugin is and how it may be configured.

    `replaces` names a plugin that this one stands in for: wherever this one is on, the
    replaced one is off. `category_kinds` lists the category kinds it suits (None = all);
    it is advice for the admin, not a hard rule. `settings_form` is a WTForms form class
    whose fields are the keys of `default_settings`.
    """

    name: str
    title: Any = None
    description: Any = ""
    version: str = "0.0.0"
    default_enabled: bool = True
    replaces: str | None = None
    category_kinds: tuple[str, ...] | None = None
    settings_form: type | None = None
    default_settings: dict[str, Any] = field(default_factory=dict)
    internal: bool = False

    @property
    def label(self) -> str:
        return str(self.title or self.name)


class Link(NamedTuple):
    """A link a plugin adds to a menu (account, footer, admin navigation)."""

    url: str
    label: Any
    badge: int | None = None


class PaymentMethod(NamedTuple):
    """A way to pay offered at checkout; `pay(order)` marks it paid or raises `PaymentError`."""

    code: str
    label: Any
    pay: Any


class PaymentError(Exception):
    """The payment failed; the message is shown to the shopper."""
