"""The platform admin decides which plugins merchants may use and their default."""

from __future__ import annotations

import pytest

from tests.core_helpers import with_test_plugins


@pytest.fixture
def storefront_plugins():
    return []


@pytest.fixture
def storefront_config():
    return with_test_plugins("core_optin")


def test_only_platform_admins_get_in(shop, client, client_for, platform_admin_client):
    assert client.get("/platform/").status_code == 302
    assert client_for(shop.alpha_owner).get("/platform/").status_code == 403
    page = platform_admin_client.get("/platform/")
    assert page.status_code == 200
    assert "Alpha Home" in page.text and "Beta Beds" in page.text


def test_platform_default_and_hiding_reach_every_shop(
    shop, platform_admin_client, client, owner_client
):
    assert "core-optin" not in client.get("/shop/alpha/p/duvet").text
    platform_admin_client.post(
        "/platform/plugins/core_optin", data={"available": "yes", "default": "on"}
    )
    assert "core-optin" in client.get("/shop/alpha/p/duvet").text
    assert "platform default" in owner_client.get("/admin/alpha/plugins").text

    platform_admin_client.post("/platform/plugins/core_optin", data={"default": "on"})
    assert "core-optin" not in client.get("/shop/alpha/p/duvet").text
    assert 'data-plugin="core_optin"' not in owner_client.get("/admin/alpha/plugins").text
    assert owner_client.get("/admin/alpha/plugins/core_optin/settings").status_code == 404


def test_bad_default_is_refused_with_a_message(shop, platform_admin_client):
    page = platform_admin_client.post(
        "/platform/plugins/core_optin", data={"default": "maybe"}, follow_redirects=True
    )
    assert "Choose inherit, on or off" in page.text
    assert platform_admin_client.post("/platform/plugins/nope", data={}).status_code == 404
