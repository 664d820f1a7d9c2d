"""Returns in a real browser: a size exchange from a phone, approved and sent by the shop."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from storefront import db
from tests.e2e.helpers import sign_in

pytestmark = pytest.mark.e2e


@pytest.fixture
def storefront_plugins():
    return ["returns"]


def test_refund_from_a_phone_then_the_merchant_decides(shop, make, mobile_page, browser_page):
    order = make.order(shop.alpha, shop.alice, shop.sneaker, status="completed")
    db.session.commit()
    phone = mobile_page
    sign_in(phone, shop.alice.email, shop.password)
    phone.goto(f"/shop/alpha/account/orders/{order.number}")
    phone.get_by_role("link", name="Return or exchange").click()
    phone.get_by_label("How many").fill("1")
    phone.get_by_label("Not as described").check()
    phone.get_by_label("My money back").check()
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    phone.get_by_role("button", name="Send request").click()
    expect(phone.get_by_test_id("return-status")).to_have_text("Waiting for the shop")
    rma = phone.locator("h1").inner_text()

    merchant = browser_page
    sign_in(merchant, shop.alpha_owner.email, shop.password)
    merchant.goto("/admin/alpha/returns/")
    merchant.get_by_role("link", name=rma).click()
    merchant.get_by_label("Note to the shopper").fill("Please send it to our Suzhou warehouse.")
    merchant.get_by_role("button", name="Approved: send it back").click()
    expect(merchant.get_by_text(f"Request {rma}: Approved")).to_be_visible()

    phone.reload()
    expect(phone.get_by_test_id("return-status")).to_have_text("Approved: send it back")
    phone.get_by_label("Carrier").fill("SF Express")
    phone.get_by_label("Tracking number").fill("SF1234567890123")
    phone.get_by_role("button", name="I have sent it").click()
    expect(phone.get_by_test_id("return-status")).to_have_text("On its way back")

    phone.goto("/shop/alpha/account/returns")
    expect(phone.get_by_test_id("my-returns")).to_contain_text(rma)
    expect(phone.get_by_test_id("my-returns")).to_contain_text("On its way back")
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    merchant.goto("/admin/alpha/returns/analytics")
    expect(merchant.get_by_test_id("returns-period")).to_contain_text("last 90 days")
    merchant.get_by_role("link", name="All", exact=True).click()
    expect(merchant.get_by_test_id("returns-period")).to_contain_text("All orders")
