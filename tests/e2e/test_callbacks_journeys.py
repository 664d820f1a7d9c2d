"""Contact in a real browser: a shopper writes from a phone, an agent answers from the queue."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import sign_in

pytestmark = pytest.mark.e2e

ALWAYS = {f"hours_{d}": "00:00-24:00" for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}


@pytest.fixture
def storefront_plugins():
    return ["callbacks"]


def test_shopper_asks_and_the_agent_answers(shop, enable_plugin, mobile_page, browser_page):
    enable_plugin("callbacks", shop.alpha, **ALWAYS)
    phone = mobile_page
    sign_in(phone, shop.alice.email, shop.password)
    phone.goto("/shop/alpha/p/sneaker")
    phone.get_by_role("link", name="A question about this product? Contact us").click()
    expect(phone.get_by_test_id("hours-note")).to_contain_text("first reply within 10 minutes")
    phone.get_by_label("Message").fill("Do these run narrow?")
    phone.get_by_label("Reply here").check()
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    phone.get_by_role("button", name="Send").click()
    expect(phone.get_by_text("Your request number is")).to_be_visible()

    agent = browser_page
    sign_in(agent, shop.alpha_agent.email, shop.password)
    agent.goto("/admin/alpha/callbacks/")
    agent.get_by_role("link", name="Alice").click()
    agent.get_by_label("Reply").fill("A little; wide feet should take half a size up.")
    agent.get_by_role("button", name="Send reply").click()
    expect(agent.get_by_text("Reply sent.")).to_be_visible()

    phone.reload()
    expect(phone.get_by_test_id("message").last).to_contain_text("half a size up")
    phone.get_by_label("Yes, satisfied").check()
    phone.get_by_role("button", name="Close the conversation").click()
    expect(phone.get_by_text("This conversation is closed.")).to_be_visible()
