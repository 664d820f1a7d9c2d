"""The declaration every plugin module exposes as `info`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NamedTuple

from flask_wtf import FlaskForm


@dataclass(frozen=True)
class PluginInfo:
    """What a plugin is and how it may be configured.

    `replaces` names a plugin that this one stands in for: wherever this one is on, the
    replaced one is off. `settings_form` is a WTForms form class whose fields are the keys
    of `default_settings`.

    Defaults per category kind are declared here and nowhere else, so the admin, the
    scopes and the plugin's own code all read the same numbers:

    - `category_kinds`: the kinds it is on for by default (None = every kind). In a
      category of another kind it is off unless that category itself switches it on; the
      shop-wide switch means "wherever it suits".
    - `kind_settings`: per kind, the settings that differ from `default_settings`
      (a bedding category of the returns plugin allows 30 days where the default is 15).
      A merchant's own value, shop-wide or for the category, beats them.
    - `shop_wide_settings`: keys that only make sense for the whole shop (opening hours,
      a webhook secret): categories neither offer nor apply an override of them.
    - `secret_settings`: keys holding credentials; the audit log records only that they
      were set or changed (keys named like "secret", "token" or "password" are too).
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
    kind_settings: dict[str, dict[str, Any]] = field(default_factory=dict)
    shop_wide_settings: tuple[str, ...] = ()
    secret_settings: tuple[str, ...] = ()
    internal: bool = False

    def __post_init__(self) -> None:
        if self.settings_form is not None and not issubclass(self.settings_form, FlaskForm):
            raise ValueError(
                f"plugin {self.name!r}: settings_form must subclass flask_wtf.FlaskForm "
                "(the admin's settings page needs its CSRF protection)"
            )
        unknown = {
            key
            for values in self.kind_settings.values()
            for key in values
            if key not in self.default_settings
        }
        unknown |= {key for key in self.shop_wide_settings if key not in self.default_settings}
        if unknown:
            raise ValueError(
                f"plugin {self.name!r}: kind_settings or shop_wide_settings name keys missing from "
                f"default_settings: {', '.join(sorted(unknown))}"
            )

    def suits(self, kind: str | None) -> bool:
        """Is it on by default in a category of this kind (None: shop-wide)?"""
        return kind is None or self.category_kinds is None or kind in self.category_kinds

    def defaults_for(self, kind: str | None) -> dict[str, Any]:
        """The settings a scope of this category kind starts from, before any merchant row."""
        values = dict(self.default_settings)
        if kind is not None:
            values.update(self.kind_settings.get(kind, {}))
        return values

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


@dataclass(frozen=True)
class ExternalIdentity:
    """Who a login provider says the shopper is (the `login_code_exchange` hook's answer).

    `subject` is the provider's stable id of the person (WeChat's openid), unique within
    `issuer` (the app that asked: openids differ per mini-program); `union_id`, when the
    provider gives one, is the same person across that provider's apps.
    """

    provider: str
    subject: str
    issuer: str = ""
    union_id: str | None = None
    display_name: str | None = None


class LoginCodeRejected(Exception):
    """The provider says the code is not valid (wrong, used or expired): the shopper retries."""


class LoginProviderUnavailable(Exception):
    """The provider could not be asked or gave no usable answer (down, slow, rate-limited)."""
