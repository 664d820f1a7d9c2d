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


def faulty_section():
    @hookimpl
    def product_sections(product, scope):
        raise ValueError("kaput")

    return product_sections


def test_isolated_call_keeps_order_and_loses_only_the_failing_plugin(manager, caplog):
    manager.register(make_plugin("faulty", product_sections=faulty_section()))
    call = {"product": None, "scope": None}

    results = manager.call("product_sections", call, frozenset({"middle"}), isolate=True)

    assert results == ["early", "late"]
    assert "plugin faulty failed in hook product_sections" in caplog.text
    with pytest.raises(ValueError, match="kaput"):
        manager.call("product_sections", call, frozenset({"middle"}), isolate=False)


def test_isolated_calls_go_through_wrappers(manager):
    """Pages use the same path as pluggy: a wrapper sees every answer, failures dropped."""
    seen = []

    @hookimpl(wrapper=True)
    def product_sections(product, scope):
        results = yield
        seen.append(list(results))
        return [r.upper() for r in results]

    manager.register(make_plugin("faulty", product_sections=faulty_section()))
    manager.register(make_plugin("shouter", product_sections=product_sections))

    results = manager.call("product_sections", {"product": None, "scope": None}, isolate=True)

    assert results == ["EARLY", "MIDDLE", "LATE"]
    assert seen == [["early", "middle", "late"]]


def test_a_failing_wrapper_leaves_the_plain_answers(manager, caplog):
    @hookimpl(wrapper=True)
    def product_sections(product, scope):
        yield
        raise RuntimeError("wrapper broke")

    manager.register(make_plugin("broken_wrapper", product_sections=product_sections))

    results = manager.call("product_sections", {"product": None, "scope": None}, isolate=True)

    assert results == ["early", "middle", "late"]
    assert "a wrapper of hook product_sections failed" in caplog.text
    with pytest.raises(RuntimeError):
        manager.call("product_sections", {"product": None, "scope": None}, isolate=False)


def test_call_honours_firstresult_through_wrappers():
    manager = PluginManager()
    manager.register(make_plugin("fallback", payment_methods=payments("test", trylast=True)))
    manager.register(make_plugin("alipay", payment_methods=payments("alipay")))
    wrapped = []

    @hookimpl(wrapper=True)
    def payment_methods(merchant, scope):
        answer = yield
        wrapped.append(answer)
        return answer

    manager.register(make_plugin("wrapping", payment_methods=payment_methods))

    results = manager.call("payment_methods", {"merchant": None, "scope": None})

    assert results == [["alipay"]]
    assert wrapped == [["alipay"]]
    assert manager.call("payment_methods", {"merchant": None, "scope": None}, {"alipay"}) == [
        ["test"]
    ]


def test_each_plugin_can_get_arguments_of_its_own(manager):
    """Order-level hooks hand every plugin its own lines."""

    @hookimpl
    def order_panels(order, lines):
        return f"panel of {lines}"

    manager.register(make_plugin("panel_a", order_panels=order_panels))
    manager.register(make_plugin("panel_b", order_panels=order_panels))
    call = {"order": None, "lines": ["all"], "scope": None}
    own = {"panel_a": {"lines": ["bedding"]}, "panel_b": {"lines": ["shoes"]}}

    results = manager.call("order_panels", call, per_plugin=own)

    assert sorted(results) == ["panel of ['bedding']", "panel of ['shoes']"]
    assert manager.call("order_panels", call) == ["panel of ['all']"] * 2


def test_call_passes_only_the_arguments_an_implementation_asks_for():
    manager = PluginManager()

    @hookimpl
    def product_sections(product):
        return f"only {product}"

    manager.register(make_plugin("frugal", product_sections=product_sections))
    assert manager.call("product_sections", {"product": "tee", "scope": None}) == ["only tee"]


def test_trace_logs_each_call_with_timing(manager, caplog):
    import logging

    manager.trace = True
    with caplog.at_level(logging.INFO, logger="storefront.plugins"):
        manager.call("product_sections", {"product": 1, "scope": 2})
    lines = [r.getMessage() for r in caplog.records if "hook product_sections" in r.getMessage()]
    assert len(lines) == 3
    assert all(line.endswith(" ms") for line in lines)
    assert "plugin=early" in lines[0] and "plugin=late" in lines[2]
