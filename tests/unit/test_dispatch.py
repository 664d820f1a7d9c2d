"""Scoped dispatch: disabled plugins are left out, callers are cached, pluggy semantics stay."""

from __future__ import annotations

import types

import pytest

from storefront import PluginInfo, hookimpl
from storefront.plugin_manager import PluginManager


def make_plugin(name: str, **hooks) -> types.ModuleType:
    module = types.ModuleType(f"dispatch_{name}")
    module.info = PluginInfo(name=name)
    for hook_name, function in hooks.items():
        setattr(module, hook_name, function)
    return module


def section(text: str, **marker):
    @hookimpl(**marker)
    def product_sections(product, scope):
        return text

    return product_sections


def payments(code: str, **marker):
    @hookimpl(**marker)
    def payment_methods(merchant, scope):
        return [code]

    return payment_methods


@pytest.fixture
def manager() -> PluginManager:
    manager = PluginManager()
    manager.register(make_plugin("early", product_sections=section("early", tryfirst=True)))
    manager.register(make_plugin("middle", product_sections=section("middle")))
    manager.register(make_plugin("late", product_sections=section("late", trylast=True)))
    return manager


def sections(caller) -> list[str]:
    return caller(product=None, scope=None)


def test_disabled_plugins_are_left_out(manager):
    assert sections(manager.hook_for(frozenset()).product_sections) == ["early", "middle", "late"]
    assert sections(manager.hook_for(frozenset({"middle"})).product_sections) == ["early", "late"]
    assert sections(manager.hook_for(frozenset({"early", "late"})).product_sections) == ["middle"]
    assert sections(manager.hook_for(frozenset({"early", "middle", "late"})).product_sections) == []


def test_unknown_disabled_names_are_ignored(manager):
    assert sections(manager.hook_for(frozenset({"nobody"})).product_sections) == [
        "early",
        "middle",
        "late",
    ]


def test_the_same_disabled_set_reuses_the_same_callers(manager):
    first = manager.hook_for(frozenset({"middle"}))
    again = manager.hook_for(frozenset({"middle"}))
    assert first is again
    assert first.product_sections is again.product_sections
    assert manager.hook_for(frozenset({"late"})) is not first
    assert manager.hook_for(frozenset({"late"})).product_sections is not first.product_sections


def test_a_set_of_names_works_like_a_frozenset(manager):
    assert manager.hook_for({"middle"}) is manager.hook_for(frozenset({"middle"}))


def test_registering_a_plugin_drops_cached_callers(manager):
    before = manager.hook_for(frozenset({"middle"}))
    manager.register(make_plugin("extra", product_sections=section("extra")))
    after = manager.hook_for(frozenset({"middle"}))
    assert after is not before
    assert "extra" in sections(after.product_sections)


def test_unknown_hook_name_raises_attribute_error(manager):
    with pytest.raises(AttributeError, match="no_such_hook"):
        manager.hook_for(frozenset()).no_such_hook  # noqa: B018


def test_firstresult_is_kept_through_scoped_callers():
    manager = PluginManager()
    manager.register(make_plugin("fallback", payment_methods=payments("test", trylast=True)))
    manager.register(make_plugin("alipay", payment_methods=payments("alipay")))
    manager.register(make_plugin("wechat", payment_methods=payments("wechat", tryfirst=True)))

    call = {"merchant": None, "scope": None}
    assert manager.hook_for(frozenset()).payment_methods(**call) == ["wechat"]
    assert manager.hook_for(frozenset({"wechat"})).payment_methods(**call) == ["alipay"]
    assert manager.hook_for(frozenset({"wechat", "alipay"})).payment_methods(**call) == ["test"]


def test_hookwrappers_still_wrap_scoped_calls(manager):
    @hookimpl(wrapper=True)
    def product_sections(product, scope):
        results = yield
        return [r.upper() for r in results]

    manager.register(make_plugin("shouter", product_sections=product_sections))

    assert sections(manager.hook_for(frozenset({"middle"})).product_sections) == ["EARLY", "LATE"]
    assert sections(manager.hook_for(frozenset({"shouter"})).product_sections) == [
        "early",
        "middle",
        "late",
    ]


def test_old_style_hookwrappers_still_wrap_scoped_calls(manager):
    @hookimpl(hookwrapper=True)
    def product_sections(product, scope):
        outcome = yield
        outcome.force_result(outcome.get_result() + ["appended"])

    manager.register(make_plugin("appender", product_sections=product_sections))
    assert sections(manager.hook_for(frozenset({"early"})).product_sections) == [
        "middle",
        "late",
        "appended",
    ]


def test_call_each_keeps_order_and_isolates_failures(manager, caplog):
    @hookimpl
    def product_sections(product, scope):
        raise ValueError("kaput")

    manager.register(make_plugin("faulty", product_sections=product_sections))
    caller = manager.hook_for(frozenset({"middle"})).product_sections

    results = manager.call_each(caller, {"product": None, "scope": None}, strict=False)

    assert results == ["early", "late"]
    assert "plugin faulty failed in hook product_sections" in caplog.text
    with pytest.raises(ValueError, match="kaput"):
        manager.call_each(caller, {"product": None, "scope": None}, strict=True)


def test_call_each_honours_firstresult_and_ignores_wrappers():
    manager = PluginManager()
    manager.register(make_plugin("fallback", payment_methods=payments("test", trylast=True)))
    manager.register(make_plugin("alipay", payment_methods=payments("alipay")))

    @hookimpl(wrapper=True)
    def payment_methods(merchant, scope):
        return (yield)

    manager.register(make_plugin("wrapping", payment_methods=payment_methods))
    caller = manager.hook_for(frozenset()).payment_methods

    results = manager.call_each(caller, {"merchant": None, "scope": None}, strict=True)

    assert results == [["alipay"]]


def test_call_each_passes_only_the_arguments_an_implementation_asks_for():
    manager = PluginManager()

    @hookimpl
    def product_sections(product):
        return f"only {product}"

    manager.register(make_plugin("frugal", product_sections=product_sections))
    caller = manager.hook.product_sections
    assert manager.call_each(caller, {"product": "tee", "scope": None}, strict=True) == ["only tee"]


def test_trace_logs_each_call_with_timing(manager, caplog):
    import logging

    manager.trace = True
    with caplog.at_level(logging.INFO, logger="storefront.plugins"):
        manager.call_each(manager.hook.product_sections, {"product": 1, "scope": 2}, strict=True)
    lines = [r.getMessage() for r in caplog.records if "hook product_sections" in r.getMessage()]
    assert len(lines) == 3
    assert all(line.endswith(" ms") for line in lines)
    assert "plugin=early" in lines[0] and "plugin=late" in lines[2]
