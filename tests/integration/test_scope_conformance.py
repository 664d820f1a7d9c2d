"""Every built-in plugin passes the published scope conformance check."""

from __future__ import annotations

import pytest

BUILT_IN = ("callbacks", "faq", "returns", "reviews", "tracking")


@pytest.mark.parametrize("plugin", BUILT_IN)
def test_built_in_plugin_acts_only_where_it_is_on(plugin, scope_conformance):
    assert scope_conformance(plugin) == []
