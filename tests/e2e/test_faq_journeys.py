"""FAQ in a real browser: find an answer, ask a question and get it answered, on a phone too."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from storefront import db
from storefront.plugins.faq.help_centre import PER_PAGE, TOPIC_PREVIEW
from storefront.plugins.faq.models import FaqEntry
from tests.e2e.helpers import fits_the_screen, sign_in

pytestmark = pytest.mark.e2e


@pytest.fixture
def storefront_plugins():
    return ["faq"]


@pytest.fixture
def answers(shop):
    for question, answer, topic in (
        ("How do I wash linen bedding?", "Machine wash at **40 °C**.", "care"),
        ("床笠尺寸怎么选？", "按床垫厚度选择。", "sizing"),
    ):
        row = FaqEntry(merchant_id=shop.alpha.id, question=question, answer=answer, topic=topic)
        row.index_text()
        db.session.add(row)
    db.session.commit()


def test_shopper_searches_help_and_rates_an_answer(shop, answers, browser_page):
    page = browser_page
    page.goto("/shop/alpha/")
    page.get_by_role("link", name="Help & FAQ").click()
    page.get_by_label("Search the answers").fill("床笠")
    page.get_by_role("button", name="Search", exact=True).click()
    expect(page.locator("mark", has_text="床笠")).to_be_visible()
    expect(page.get_by_text("How do I wash linen bedding?")).to_have_count(0)
    page.get_by_role("button", name="Yes").click()
    expect(page.get_by_text("Thank you for your feedback.")).to_be_visible()


def test_shopper_asks_and_the_merchant_answers(
    shop, answers, browser_page, storefront_browser, live_server
):
    page = browser_page
    sign_in(page, shop.alice.email, shop.password)
    page.goto("/shop/alpha/p/sneaker")
    page.get_by_label("Ask a question about this product").fill("How do I wash them?")
    expect(page.locator(".faq-suggestions")).to_contain_text("How do I wash linen bedding?")
    page.get_by_role("button", name="Send question").click()
    expect(page.get_by_text("We will answer you in your inbox soon")).to_be_visible()

    merchant = storefront_browser.new_context(base_url=live_server).new_page()
    sign_in(merchant, shop.alpha_owner.email, shop.password)
    merchant.goto("/admin/alpha/")
    merchant.get_by_test_id("faq-card").click()
    merchant.get_by_label("Answer").fill("Wipe with a damp cloth.")
    merchant.get_by_role("button", name="Send answer").click()
    expect(merchant.get_by_text("Answer sent to the shopper.")).to_be_visible()
    merchant.context.close()

    page.goto("/shop/alpha/account/inbox")
    expect(page.get_by_text("Your question was answered")).to_be_visible()
    page.goto("/shop/alpha/account/questions")
    expect(page.get_by_text("Wipe with a damp cloth.")).to_be_visible()


def test_product_faq_and_size_guide_fit_a_phone(shop, answers, mobile_page):
    page = mobile_page
    page.goto("/shop/alpha/p/sneaker")
    page.get_by_text("How do I wash linen bedding?").click()
    expect(page.get_by_text("Machine wash at")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.get_by_role("link", name="Size guide").click()
    page.get_by_label("Foot length (mm)").fill("252")
    page.get_by_role("button", name="Find my size").click()
    expect(page.get_by_test_id("size-match")).to_contain_text("41")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_shopper_pages_through_a_long_topic_on_a_phone(shop, mobile_page):
    total = PER_PAGE + 5
    for n in range(total):
        row = FaqEntry(
            merchant_id=shop.alpha.id,
            question=f"Care question {n:02d}?",
            answer=f"Care answer **{n}**.",
            topic="care",
            position=n,
        )
        row.index_text()
        db.session.add(row)
    db.session.commit()
    page = mobile_page
    page.goto("/shop/alpha/help")
    expect(page.locator("details.faq-entry")).to_have_count(TOPIC_PREVIEW)
    assert fits_the_screen(page)
    page.get_by_role("link", name=f"See all {total} answers about Care").click()
    expect(page.get_by_role("heading", name="Care", level=1)).to_be_visible()
    expect(page.locator("details.faq-entry")).to_have_count(PER_PAGE)
    assert fits_the_screen(page)
    page.get_by_role("link", name="Next").click()
    page.get_by_text(f"Care question {total - 1}?").click()
    expect(page.get_by_text(f"Care answer {total - 1}.")).to_be_visible()
    assert fits_the_screen(page)
