"""Per category, in a real browser: a merchant switches reviews off for shoes, and the
stars leave the sneaker everywhere it is listed while the duvet keeps them."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from storefront import db
from storefront.plugins.reviews.models import Review
from storefront.plugins.reviews.rules import refresh_summary
from tests.e2e.helpers import fits_the_screen, sign_in

pytestmark = pytest.mark.e2e


@pytest.fixture
def storefront_plugins():
    return ["reviews"]


@pytest.fixture
def reviewed(shop, make):
    """A published five-star review on the duvet and on the sneaker."""
    for product in (shop.duvet, shop.sneaker):
        order = make.order(shop.alpha, shop.alice, product, status="completed")
        db.session.add(
            Review(
                merchant_id=shop.alpha.id,
                product_id=product.id,
                order_item_id=order.items[0].id,
                user_id=shop.alice.id,
                stars=5,
                title="Lovely",
                status="published",
            )
        )
        db.session.flush()
        refresh_summary(product.id, shop.alpha.id)
    db.session.commit()


def card(page, name):
    return page.locator(".product-card", has_text=name)


def test_reviews_off_for_shoes_leave_every_listing(
    shop, reviewed, browser_page, mobile_page, tmp_path
):
    page = browser_page
    page.goto("/shop/alpha/")
    expect(card(page, "Leather Sneaker").locator(".rating-badge")).to_have_count(1)

    sign_in(page, shop.alpha_owner.email, shop.password)
    page.goto("/admin/alpha/plugins")
    row = page.locator('[data-plugin="reviews"]')
    row.locator('[data-scope="shoes"]').get_by_role("button", name="Off").click()
    expect(row.locator('[data-scope="shoes"] .effective')).to_contain_text("set for this category")

    for url in ("/shop/alpha/", "/shop/alpha/search?q=e"):
        for screen in (page, mobile_page):
            screen.goto(url)
            expect(card(screen, "Linen Duvet Cover").locator(".rating-badge")).to_have_count(1)
            expect(card(screen, "Leather Sneaker")).to_be_visible()
            expect(card(screen, "Leather Sneaker").locator(".rating-badge")).to_have_count(0)
            assert fits_the_screen(screen)
    mobile_page.goto("/shop/alpha/")
    mobile_page.screenshot(path=str(tmp_path / "home-375.png"), full_page=True)
    page.goto("/shop/alpha/p/sneaker")
    expect(page.locator('[data-plugin="reviews"]')).to_have_count(0)
    assert page.goto("/shop/alpha/p/sneaker/reviews").status == 404
