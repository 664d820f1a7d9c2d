"""A plugin's routes answer 404 wherever the plugin is off (one guard in the core)."""

from __future__ import annotations

import pytest

from tests.core_helpers import with_test_plugins


@pytest.fixture
def storefront_plugins():
    return []


@pytest.fixture
def storefront_config():
    return with_test_plugins("core_greeter", "core_sections")


def test_shop_route_is_404_where_the_plugin_is_off(shop, client):
    assert client.get("/shop/alpha/greet").status_code == 404
    assert client.get("/shop/beta/greet").status_code == 404


def test_shop_route_answers_for_the_merchant_that_switched_it_on(shop, client, enable_plugin):
    enable_plugin("core_greeter", shop.alpha)

    response = client.get("/shop/alpha/greet")
    assert response.status_code == 200
    assert response.text == "hello from alpha"
    assert client.get("/shop/beta/greet").status_code == 404


def test_on_in_one_category_is_enough_for_the_route_to_exist(shop, client, enable_plugin):
    enable_plugin("core_greeter", shop.alpha, shop.shoes)
    assert client.get("/shop/alpha/greet").status_code == 200


def test_switching_off_again_brings_the_404_back(shop, client, enable_plugin, disable_plugin):
    enable_plugin("core_greeter", shop.alpha)
    assert client.get("/shop/alpha/greet").status_code == 200
    disable_plugin("core_greeter", shop.alpha)
    assert client.get("/shop/alpha/greet").status_code == 404


def test_admin_route_follows_the_same_rule(shop, client_for, enable_plugin):
    owner = client_for(shop.alpha_owner)
    assert owner.get("/admin/alpha/greet").status_code == 404
    enable_plugin("core_greeter", shop.alpha)
    response = owner.get("/admin/alpha/greet")
    assert response.status_code == 200
    assert response.text == "admin hello from alpha"


def test_admin_route_stays_closed_to_other_merchants_staff(shop, client_for, enable_plugin):
    enable_plugin("core_greeter", shop.alpha)
    enable_plugin("core_greeter", shop.beta)
    assert client_for(shop.beta_owner).get("/admin/alpha/greet").status_code == 403
    assert client_for(shop.alice).get("/admin/alpha/greet").status_code == 403


def test_admin_route_sends_guests_to_sign_in(shop, client, enable_plugin):
    enable_plugin("core_greeter", shop.alpha)
    response = client.get("/admin/alpha/greet")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_unknown_merchant_is_404_on_plugin_routes(shop, client):
    assert client.get("/shop/nobody/greet").status_code == 404


def test_hidden_by_the_platform_is_404_even_if_the_merchant_says_on(shop, client, enable_plugin):
    from storefront import db
    from storefront.plugin_settings import set_platform

    enable_plugin("core_greeter", shop.alpha)
    set_platform("core_greeter", available=False, enabled=None, actor=None)
    db.session.commit()
    assert client.get("/shop/alpha/greet").status_code == 404
