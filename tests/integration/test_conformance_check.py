"""The published conformance check finds a plugin that ignores its scope."""

from __future__ import annotations

import pytest

from tests.core_helpers import with_test_plugins


@pytest.fixture
def storefront_plugins():
    return []


@pytest.fixture
def storefront_config():
    return with_test_plugins("core_leaky", "core_scoped", "core_bedding_only", "core_dead_link")


def test_a_plugin_that_messages_about_every_order_fails_the_check(scope_conformance):
    found = scope_conformance("core_leaky")
    assert found
    assert any("sent 'leaky' message" in line and "off for" in line for line in found)


def test_a_message_that_leads_to_a_vanished_page_fails_the_check(scope_conformance):
    found = scope_conformance("core_dead_link")
    assert any("off in the whole shop: a message's link" in line for line in found), found
    assert any("hidden by the platform: a message's link" in line for line in found), found


@pytest.mark.parametrize("plugin", ["core_scoped", "core_bedding_only"])
def test_well_behaved_plugins_pass(plugin, scope_conformance):
    assert scope_conformance(plugin) == []


def test_an_unknown_plugin_is_reported(scope_conformance):
    assert scope_conformance("nobody") == ["nobody is not installed"]
