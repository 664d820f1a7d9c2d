"""Languages: which locale a page uses, money and dates by locale and the shop's time zone."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from storefront import db


@pytest.fixture
def storefront_plugins():
    return []


def is_chinese(html: str) -> bool:
    return '<html lang="zh-CN">' in html and "搜索商品" in html


def is_english(html: str) -> bool:
    return '<html lang="en">' in html and "Search products" in html


def test_a_shop_speaks_its_default_language(shop, client):
    assert is_english(client.get("/shop/alpha/").text)
    shop.alpha.locale = "zh_CN"
    db.session.commit()
    assert is_chinese(client.get("/shop/alpha/").text)


def test_the_merchant_default_beats_the_browser(shop, client):
    page = client.get("/shop/alpha/", headers={"Accept-Language": "zh-CN,zh;q=0.9"}).text
    assert is_english(page)


def test_the_browser_decides_outside_a_shop(shop, client):
    assert "登录" in client.get("/login", headers={"Accept-Language": "zh-CN,zh;q=0.9"}).text
    assert "登录" in client.get("/login", headers={"Accept-Language": "zh"}).text
    assert "Sign in" in client.get("/login", headers={"Accept-Language": "en-GB"}).text
    assert "Sign in" in client.get("/login", headers={"Accept-Language": "fr"}).text


def test_the_account_language_beats_the_merchant_default(shop, client_for):
    shop.alice.locale = "zh_CN"
    db.session.commit()
    assert is_chinese(client_for(shop.alice).get("/shop/alpha/").text)
    assert is_english(client_for(shop.bob).get("/shop/alpha/").text)


def test_an_explicit_choice_beats_everything(shop, client_for):
    shop.alice.locale = "en"
    shop.alpha.locale = "en"
    db.session.commit()
    alice = client_for(shop.alice)
    response = alice.post("/lang/zh_CN", data={"next": "/shop/alpha/p/duvet?x=1"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/shop/alpha/p/duvet?x=1"
    assert is_chinese(alice.get("/shop/alpha/").text)
    assert "加入购物车" in alice.get("/shop/alpha/p/duvet").text
    alice.post("/lang/en")
    assert is_english(alice.get("/shop/alpha/").text)


def test_an_unknown_language_changes_nothing(shop, client):
    client.post("/lang/zh_CN")
    client.post("/lang/xx")
    assert is_chinese(client.get("/shop/alpha/").text)


def test_the_switcher_marks_the_current_language(shop, client):
    page = client.get("/shop/alpha/").text
    assert 'formaction="/lang/en" class="link active"' in page
    assert 'formaction="/lang/zh_CN" class="link "' in page
    client.post("/lang/zh_CN")
    page = client.get("/shop/alpha/").text
    assert 'formaction="/lang/zh_CN" class="link active"' in page
    assert 'formaction="/lang/en" class="link "' in page


def test_money_is_formatted_for_the_locale(shop, client):
    assert "CN¥599.00" in client.get("/shop/alpha/p/duvet").text
    client.post("/lang/zh_CN")
    page = client.get("/shop/alpha/p/duvet").text
    assert "¥599.00" in page and "CN¥599.00" not in page


def test_large_amounts_get_grouping(shop, client, make):
    make.product(shop.alpha, shop.bedding, "Royal Bed", 123456789)
    db.session.commit()
    assert "CN¥1,234,567.89" in client.get("/shop/alpha/search?q=royal").text


def test_dates_are_shown_in_the_merchants_time_zone(shop, client_for, make):
    order = make.order(shop.alpha, shop.alice, shop.sneaker)
    order.created_at = datetime(2026, 1, 1, 23, 30, tzinfo=UTC)
    db.session.commit()
    alice = client_for(shop.alice)
    url = f"/shop/alpha/account/orders/{order.number}"

    assert "Jan 2, 2026" in alice.get(url).text  # Asia/Shanghai: 07:30 the next morning
    assert "7:30:00" in alice.get(url).text

    shop.alpha.timezone = "America/New_York"
    db.session.commit()
    page = alice.get(url).text
    assert "Jan 1, 2026" in page and "6:30:00" in page

    alice.post("/lang/zh_CN")
    assert "2026年1月1日" in alice.get(url).text


def test_order_status_and_notices_are_translated(shop, client_for, make):
    order = make.order(shop.alpha, shop.alice, shop.sneaker)
    db.session.commit()
    alice = client_for(shop.alice)
    alice.post("/lang/zh_CN")
    assert (
        'data-testid="order-status">待发货<'
        in alice.get(f"/shop/alpha/account/orders/{order.number}").text
    )


def test_notifications_are_written_in_the_recipients_language(shop, make):
    from sqlalchemy import select

    from storefront.events import dispatch_due
    from storefront.models import Notification
    from storefront.orders import change_status

    shop.bob.locale = "zh_CN"
    order = make.order(shop.alpha, shop.bob, shop.sneaker)
    db.session.commit()
    change_status(order, "shipped", shop.alpha_owner)
    db.session.commit()
    dispatch_due()
    titles = db.session.scalars(
        select(Notification.title).where(Notification.user_id == shop.bob.id)
    ).all()
    assert sorted(titles) == sorted(
        [f"我们已收到订单 {order.number} 的付款。", f"您的订单 {order.number} 已发货。"]
    )


def test_error_pages_are_translated(shop, client):
    client.post("/lang/zh_CN")
    assert "找不到该页面。" in client.get("/shop/alpha/p/nothing").text
