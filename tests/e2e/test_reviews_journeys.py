"""Reviews in a real browser: a shopper reviews with a photo on a phone, the shop replies."""

from __future__ import annotations

import pytest
from PIL import Image
from playwright.sync_api import expect

from storefront import db
from tests.e2e.helpers import sign_in

pytestmark = pytest.mark.e2e


@pytest.fixture
def storefront_plugins():
    return ["reviews"]


def photo(tmp_path):
    path = tmp_path / "sneaker.jpg"
    Image.new("RGB", (120, 90), (90, 140, 200)).save(path, format="JPEG")
    return path


def test_shopper_reviews_on_a_phone_and_the_shop_replies(
    shop, make, mobile_page, browser_page, tmp_path
):
    order = make.order(shop.alpha, shop.alice, shop.sneaker, status="completed")
    db.session.commit()
    phone = mobile_page
    sign_in(phone, shop.alice.email, shop.password)
    phone.goto(f"/shop/alpha/account/orders/{order.number}")
    phone.get_by_role("link", name="Write a review").click()
    phone.locator(".star-picker label", has_text="4 ★").click()
    phone.get_by_label("Title").fill("Comfy from day one")
    phone.get_by_label("Your review").fill("Light and soft; take your usual size.")
    phone.get_by_label("True to size").check()
    phone.get_by_label("Photos (optional, up to 6)").set_input_files(str(photo(tmp_path)))
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    phone.get_by_role("button", name="Publish review").click()
    expect(phone.get_by_text("Your review is online")).to_be_visible()

    merchant = browser_page
    sign_in(merchant, shop.alpha_owner.email, shop.password)
    merchant.goto("/admin/alpha/reviews/?show=published")
    merchant.get_by_role("link", name="Comfy from day one").click()
    merchant.get_by_label("Public reply").fill("Thank you, enjoy them!")
    merchant.get_by_role("button", name="Save").click()
    expect(merchant.get_by_text("Saved.")).to_be_visible()

    phone.goto("/shop/alpha/p/sneaker")
    section = phone.locator("#reviews")
    expect(section.get_by_text("Comfy from day one")).to_be_visible()
    expect(section.get_by_text("Thank you, enjoy them!")).to_be_visible()
    expect(section.locator(".review-photos img")).to_have_count(1)
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
