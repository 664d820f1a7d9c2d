"""The merchant's main journeys in a real browser: ship an order, switch a plugin per category."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from storefront import db
from tests.core_helpers import with_test_plugins
from tests.e2e.helpers import sign_in

pytestmark = pytest.mark.e2e


@pytest.fixture
def storefront_plugins():
    return []


@pytest.fixture
def storefront_config():
    return with_test_plugins("core_optin")


def test_merchant_ships_an_order(shop, make, browser_page):
    order = make.order(shop.alpha, shop.alice, shop.sneaker)
    db.session.commit()
    page = browser_page
    sign_in(page, shop.alpha_owner.email, shop.password)
    page.goto("/admin/alpha/")
    expect(page.get_by_test_id("to-ship")).to_have_text("1")
    page.get_by_role("link", name="Orders", exact=True).click()
    page.get_by_role("link", name=order.number).click()
    page.get_by_label("New status").select_option(label="Shipped")
    page.get_by_label("Note (kept in the order's history)").fill("SF parcel")
    page.get_by_role("button", name="Save status").click()
    expect(page.get_by_text(re.compile(r"is now Shipped"))).to_be_visible()
    expect(page.get_by_text("SF parcel")).to_be_visible()


def test_merchant_turns_a_plugin_on_except_for_shoes(shop, browser_page):
    page = browser_page
    sign_in(page, shop.alpha_owner.email, shop.password)
    page.goto("/admin/alpha/plugins")
    row = page.locator('[data-plugin="core_optin"]')
    row.locator('[data-scope="shop"]').get_by_role("button", name="On").click()
    expect(page.get_by_text("Opt-in: On for the whole shop.")).to_be_visible()
    row = page.locator('[data-plugin="core_optin"]')
    row.locator('[data-scope="shoes"]').get_by_role("button", name="Off").click()
    expect(row.locator('[data-scope="shoes"] .effective')).to_contain_text("set for this category")
    page.goto("/shop/alpha/p/duvet")
    expect(page.locator(".core-optin")).to_be_visible()
    page.goto("/shop/alpha/p/sneaker")
    expect(page.locator(".core-optin")).to_have_count(0)


def test_orders_fit_a_phone(shop, make, mobile_page):
    make.order(shop.alpha, shop.alice, shop.sneaker)
    db.session.commit()
    page = mobile_page
    sign_in(page, shop.alpha_owner.email, shop.password)
    for path in ("/admin/alpha/", "/admin/alpha/orders", "/admin/alpha/plugins"):
        page.goto(path)
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), path
