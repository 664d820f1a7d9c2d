"""The plugin settings page shows what a scope inherits and stores exactly what was set."""

from __future__ import annotations

import pytest

from storefront import Scope, db
from storefront.models import PluginSetting
from tests.core_helpers import with_test_plugins

PLUGIN = "core_bedding_only"
URL = f"/admin/alpha/plugins/{PLUGIN}/settings"


@pytest.fixture
def storefront_plugins():
    return []


@pytest.fixture
def storefront_config():
    return with_test_plugins(PLUGIN)


def own_rows(shop):
    rows = db.session.scalars(
        db.select(PluginSetting).where(
            PluginSetting.merchant_id == shop.alpha.id, PluginSetting.plugin == PLUGIN
        )
    ).all()
    return {(r.category_id, tuple(sorted((r.config or {}).items()))) for r in rows if r.config}


def test_a_category_page_shows_the_value_that_applies_and_where_it_comes_from(shop, owner_client):
    page = owner_client.get(f"{URL}?category=bedding").text
    assert 'value="30"' in page
    assert "Use the inherited value: 30 (default for Bedding categories)" in page
    shoes = owner_client.get(f"{URL}?category=shoes").text
    assert "Use the inherited value: 15 (plugin default)" in shoes


def test_saving_the_default_shop_wide_with_the_box_unticked_applies_everywhere(shop, owner_client):
    response = owner_client.post(URL, data={"days": "15"})
    assert response.status_code == 302
    assert own_rows(shop) == {(None, (("days", 15),))}
    assert Scope(shop.alpha, shop.bedding).settings(PLUGIN)["days"] == 15
    page = owner_client.get(f"{URL}?category=bedding").text
    assert "Use the inherited value: 15 (set for the whole shop)" in page


def test_a_ticked_box_stores_nothing_and_an_edit_wins_over_it(shop, owner_client):
    owner_client.post(URL, data={"days": "15", "inherit": "days"})
    assert own_rows(shop) == set()
    assert Scope(shop.alpha, shop.bedding).settings(PLUGIN)["days"] == 30
    owner_client.post(f"{URL}?category=bedding", data={"days": "45", "inherit": "days"})
    assert own_rows(shop) == {(shop.bedding.id, (("days", 45),))}


def test_ticking_the_box_again_returns_to_the_inherited_value(shop, owner_client, enable_plugin):
    enable_plugin(PLUGIN, shop.alpha, shop.bedding, days=45)
    page = owner_client.get(f"{URL}?category=bedding").text
    assert 'value="45"' in page and "Set here" in page
    owner_client.post(f"{URL}?category=bedding", data={"days": "45", "inherit": "days"})
    assert own_rows(shop) == set()
    assert Scope(shop.alpha, shop.bedding).settings(PLUGIN)["days"] == 30


def test_a_bad_value_is_a_field_error_and_nothing_is_stored(shop, owner_client):
    response = owner_client.post(URL, data={"days": "999"})
    assert response.status_code == 200
    assert "Number must be between 0 and 365" in response.text
    assert own_rows(shop) == set()


@pytest.mark.parametrize("storefront_plugins", [["callbacks"]])
def test_shop_wide_settings_are_not_offered_or_applied_per_category(
    shop, owner_client, enable_plugin
):
    page = owner_client.get("/admin/alpha/plugins/callbacks/settings?category=shoes").text
    assert 'name="hours_mon"' not in page
    assert "Set for the whole shop only:" in page
    enable_plugin("callbacks", shop.alpha, shop.shoes, target_minutes=99)
    assert Scope(shop.alpha, shop.shoes).settings("callbacks")["target_minutes"] == 10
    assert 'name="hours_mon"' in owner_client.get("/admin/alpha/plugins/callbacks/settings").text
