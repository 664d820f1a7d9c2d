"""The shopper's main journey in a real browser: browse, buy, find the order, read it in Chinese."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import fits_the_screen, sign_in

pytestmark = pytest.mark.e2e


def test_shopper_browses_buys_and_finds_the_order(shop, browser_page):
    page = browser_page
    sign_in(page, shop.alice.email, shop.password)
    page.goto("/shop/alpha/")
    page.get_by_role("link", name="Shoes").first.click()
    page.get_by_role("link", name="Leather Sneaker").first.click()
    expect(page.get_by_role("heading", name="Leather Sneaker")).to_be_visible()

    page.locator("label.variant", has_text="40").click()
    expect(page.get_by_label("40 / White")).to_be_checked()
    page.get_by_role("button", name="Add to cart").click()
    expect(page.get_by_text("Leather Sneaker").first).to_be_visible()

    page.goto("/shop/alpha/checkout")
    page.get_by_label("Recipient").fill("Alice Example")
    page.get_by_label("Mobile phone").fill("13800138000")
    page.get_by_label("Address").fill("1 Linen Road")
    page.get_by_label("City").fill("Hangzhou")
    page.get_by_label("Province").fill("Zhejiang")
    page.get_by_label("Postcode").fill("310000")
    page.get_by_role("button", name=re.compile("Place order")).click()

    expect(page.get_by_role("heading", name=re.compile(r"Order"))).to_be_visible()
    number = re.search(r"/orders/([\w-]+)", page.url)
    assert number, page.url
    page.goto("/shop/alpha/account")
    expect(page.get_by_text(number.group(1))).to_be_visible()


def test_wrong_password_says_so_and_keeps_the_email(shop, browser_page):
    page = browser_page
    sign_in(page, shop.alice.email, "not-the-password")
    expect(page.get_by_text(re.compile("password", re.I)).first).to_be_visible()
    expect(page.get_by_label("Email")).to_have_value(shop.alice.email)


def test_chinese_shopper_reads_the_shop_in_chinese_on_a_phone(shop, mobile_page):
    page = mobile_page
    page.goto("/shop/alpha/p/duvet")
    page.get_by_role("button", name="中文").click()
    expect(page.get_by_role("button", name="加入购物车")).to_be_visible()
    assert fits_the_screen(page)
    page.goto("/shop/alpha/cart")
    assert fits_the_screen(page)
