"""The owner creates an API key in a real browser, uses it, and revokes it; on a phone too."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import fits_the_screen, sign_in

pytestmark = pytest.mark.e2e

ORDERS = "/api/v1/shops/alpha/admin/orders"


@pytest.fixture
def storefront_plugins():
    return []


def create_key(page, name: str) -> str:
    page.get_by_label("Key name").fill(name)
    page.get_by_label("orders:read").check()
    page.get_by_role("button", name="Create key").click()
    expect(page.get_by_text("Copy it now: it will not be shown again.")).to_be_visible()
    secret = page.get_by_test_id("new-secret").input_value()
    assert secret.startswith("sk_")
    return secret


def test_owner_creates_uses_and_revokes_a_key(shop, browser_page):
    page = browser_page
    sign_in(page, shop.alpha_owner.email, shop.password)
    page.goto("/admin/alpha/")
    page.get_by_role("link", name="API keys").click()
    expect(page.get_by_text("No API keys yet.")).to_be_visible()
    secret = create_key(page, "ERP sync")
    row = page.locator("tr", has_text="ERP sync")
    expect(row).to_contain_text("orders:read")
    expect(row).to_contain_text("never")
    headers = {"Authorization": f"Bearer {secret}"}
    assert page.request.get(ORDERS, headers=headers).status == 200
    page.reload()
    expect(page.get_by_test_id("new-secret")).to_have_count(0)
    expect(page.locator("tr", has_text="ERP sync")).not_to_contain_text("never")
    page.get_by_role("button", name="Revoke ERP sync").click()
    expect(page.get_by_text(re.compile("was revoked"))).to_be_visible()
    expect(page.locator("tr", has_text="ERP sync")).to_contain_text("Revoked")
    assert page.request.get(ORDERS, headers=headers).status == 401


def test_the_keys_page_fits_a_phone(shop, mobile_page):
    page = mobile_page
    sign_in(page, shop.alpha_owner.email, shop.password)
    page.goto("/admin/alpha/api-keys")
    create_key(page, "Warehouse scanner with a long name")
    assert fits_the_screen(page)
    page.get_by_label("Web origins allowed to call the API").fill("https://shop.example/path")
    page.get_by_role("button", name="Save origins").click()
    expect(page.get_by_text(re.compile("Line 1:"))).to_be_visible()
    assert fits_the_screen(page)
