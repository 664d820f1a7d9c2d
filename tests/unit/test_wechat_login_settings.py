"""The WeChat login settings form: what a merchant may store, judged as the admin would."""

from __future__ import annotations

import pytest

from storefront.plugins.wechat_login import info
from storefront.scopes import validate_config

GOOD = {"app_id": "wx1234567890abcdef", "app_secret": "0123456789abcdef0123456789abcdef"}


def test_defaults_are_valid_and_off(app):
    assert validate_config(info, dict(info.default_settings)) == (info.default_settings, {})
    assert info.default_enabled is False
    assert info.secret_settings == ("app_secret",)
    assert set(info.shop_wide_settings) == set(info.default_settings)


def test_a_real_app_is_kept(app):
    values, errors = validate_config(info, {**info.default_settings, **GOOD, "timeout": 3})
    assert errors == {}
    assert values == {**GOOD, "timeout": 3}


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("app_id", "1234567890abcdef"),
        ("app_id", "wx1234"),
        ("app_id", "wx1234567890abcdef0"),
        ("app_secret", "short"),
        ("app_secret", "0123456789abcdef 0123456789abcde"),
        ("app_secret", "x" * 65),
        ("timeout", 0),
        ("timeout", 16),
        ("timeout", None),
    ],
)
def test_bad_values_fall_back_and_are_reported(app, key, value):
    values, errors = validate_config(info, {**info.default_settings, **GOOD, key: value})
    assert key in errors
    assert values[key] == info.default_settings[key]
