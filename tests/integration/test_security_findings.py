"""Findings of the security sweep that are not about one plugin: each keeps its test."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from storefront import db
from storefront.models import AuditLog, Notification, Order, Variant
from storefront.notifications import notify
from storefront.plugin_settings import set_config
from tests.core_helpers import SHIPPING, csrf_token
from tests.live_server import Browser, at_once


def unread(user, merchant) -> int:
    return db.session.scalar(
        select(func.count(Notification.id)).where(
            Notification.user_id == user.id,
            Notification.merchant_id == merchant.id,
            Notification.read_at.is_(None),
        )
    )


def test_mark_all_read_in_one_shop_leaves_another_shops_messages_unread(shop, client_for):
    notify(shop.alice, "Your order shipped", "On its way", merchant=shop.alpha)
    notify(shop.alice, "Your quilt shipped", "On its way", merchant=shop.beta)
    db.session.commit()

    response = client_for(shop.alice).post("/shop/alpha/account/inbox/read")

    assert response.status_code == 302
    assert unread(shop.alice, shop.alpha) == 0
    assert unread(shop.alice, shop.beta) == 1


def test_the_audit_log_never_shows_a_secret(shop, owner_client):
    set_config(shop.alpha, "tracking", {"webhook_secret": "s3cret-first"}, actor=shop.alpha_owner)
    set_config(shop.alpha, "tracking", {"webhook_secret": "s3cret-second"}, actor=shop.alpha_owner)
    set_config(
        shop.alpha,
        "tracking",
        {"webhook_secret": "s3cret-second", "stalled_hours": 72},
        actor=shop.alpha_owner,
    )
    db.session.commit()

    page = owner_client.get("/admin/alpha/audit").text
    stored = " ".join(repr((e.before, e.after)) for e in db.session.scalars(select(AuditLog)).all())
    for text in (page, stored):
        assert "s3cret" not in text
    entries = db.session.scalars(
        select(AuditLog).where(AuditLog.action == "plugin.config").order_by(AuditLog.id)
    ).all()
    assert [e.after["webhook_secret"] for e in entries] == [
        "•••• (changed)",
        "•••• (changed)",
        "•••• (set)",
    ]
    assert entries[2].after["stalled_hours"] == 72  # what is not secret stays readable


def orders_of(user) -> list[Order]:
    db.session.expire_all()
    return db.session.scalars(select(Order).where(Order.user_id == user.id)).all()


def checkout_page_token(html: str) -> str:
    match = re.search(r'name="checkout_token"[^>]*value="([^"]+)"', html) or re.search(
        r'value="([^"]+)"[^>]*name="checkout_token"', html
    )
    assert match, "no checkout token on the page"
    return match.group(1)


def test_submitting_the_checkout_page_twice_places_one_order(shop, client_for):
    alice = client_for(shop.alice)
    alice.post("/shop/alpha/p/sneaker/add", data={"variant": shop.sneaker.variants[0].id})
    token = checkout_page_token(alice.get("/shop/alpha/checkout").text)
    first = alice.post("/shop/alpha/checkout", data={**SHIPPING, "checkout_token": token})
    again = alice.post("/shop/alpha/checkout", data={**SHIPPING, "checkout_token": token})
    [order] = orders_of(shop.alice)
    assert first.headers["Location"] == again.headers["Location"]
    assert first.headers["Location"].endswith(order.number)


def test_a_double_click_on_place_order_places_one_order(shop, live_storefront):
    """Two submits of one page at the same moment, into separate server processes."""
    shop_stock_before = shop.sneaker.variants[0].stock
    browser = Browser(live_storefront).sign_in(shop.alice.email, shop.password)
    add = browser.token("/shop/alpha/p/sneaker")
    browser.post(
        "/shop/alpha/p/sneaker/add",
        {"csrf_token": add, "variant": shop.sneaker.variants[0].id, "quantity": 1},
    )
    page = browser.get("/shop/alpha/checkout").text
    form = {
        **SHIPPING,
        "csrf_token": csrf_token(page),
        "checkout_token": checkout_page_token(page),
    }
    answers = at_once([lambda: browser.post("/shop/alpha/checkout", form) for _ in range(4)])

    assert [a.status_code for a in answers] == [302] * 4
    [order] = orders_of(shop.alice)
    assert {a.headers["Location"] for a in answers} == {
        f"/shop/alpha/account/orders/{order.number}"
    }
    stock = db.session.get(Variant, shop.sneaker.variants[0].id).stock
    assert stock == shop_stock_before - 1
