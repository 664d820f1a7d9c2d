"""Tracking in a real browser: the merchant adds a parcel and an event; the shopper follows it."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from storefront import db
from tests.e2e.helpers import sign_in

pytestmark = pytest.mark.e2e


@pytest.fixture
def storefront_plugins():
    return ["tracking"]


def test_merchant_ships_and_shopper_follows_on_a_phone(shop, make, browser_page, mobile_page):
    order = make.order(shop.alpha, shop.alice, shop.sneaker)
    db.session.commit()
    merchant = browser_page
    sign_in(merchant, shop.alpha_owner.email, shop.password)
    merchant.goto(f"/admin/alpha/orders/{order.number}")
    merchant.get_by_label("Carrier").select_option(label="SF Express")
    merchant.get_by_label("Tracking number").fill("SF1234567890123")
    merchant.get_by_role("button", name="Add parcel").click()
    expect(merchant.get_by_text("Parcel added")).to_be_visible()
    merchant.get_by_text("Add an event by hand").click()
    merchant.get_by_label("Status").last.select_option(label="Out for delivery")
    merchant.get_by_label("Location").fill("Hangzhou")
    merchant.get_by_role("button", name="Add event").click()
    expect(merchant.get_by_text("Event added.")).to_be_visible()

    shopper = mobile_page
    sign_in(shopper, shop.alice.email, shop.password)
    shopper.goto(f"/shop/alpha/account/orders/{order.number}")
    parcel = shopper.get_by_test_id("parcel")
    expect(parcel.get_by_role("heading", name="Out for delivery")).to_be_visible()
    expect(parcel.get_by_role("link", name="SF1234567890123")).to_be_visible()
    expect(parcel.get_by_text("Hangzhou")).to_be_visible()
    assert shopper.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    shopper.goto("/shop/alpha/account/inbox")
    expect(shopper.get_by_text(f"Order {order.number}: Out for delivery")).to_be_visible()
