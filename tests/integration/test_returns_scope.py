"""Returns act only where they are on: the form, the policy's defaults, records after switch-off."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from storefront import Notification, Scope, db
from storefront.plugin_settings import set_platform
from storefront.plugins.returns.models import ReturnRequest
from storefront.plugins.returns.policy import settings_policy
from storefront.testing import Factory


@pytest.fixture
def storefront_plugins():
    return ["returns"]


def delivered(shop, *products, user=None):
    """A completed order of one unit of each product."""
    order = Factory().order(shop.alpha, user or shop.alice, products=products, status="completed")
    db.session.commit()
    return order


def line_of(order, product):
    return next(i for i in order.items if i.product_id == product.id)


def ask(client, order, item, **extra):
    form = {f"qty-{item.id}": "1", "reason": "wrong_size", "kind": "refund", **extra}
    return client.post(
        f"/shop/alpha/account/orders/{order.number}/return",
        data=form,
        content_type="multipart/form-data",
        follow_redirects=True,
    )


def requests_count() -> int:
    return db.session.scalar(select(func.count(ReturnRequest.id)))


# -- one source of truth for the policy's defaults ------------------------------------


def test_kind_defaults_apply_and_the_admin_shows_them(shop, owner_client):
    order = delivered(shop, shop.duvet, shop.sneaker)
    bedding = settings_policy(line_of(order, shop.duvet))
    shoes = settings_policy(line_of(order, shop.sneaker))
    assert (bedding.return_days, bedding.hygiene_rule) == (30, True)
    assert (shoes.return_days, shoes.exchange_days, shoes.hygiene_rule) == (15, 30, False)
    page = owner_client.get("/admin/alpha/plugins/returns/settings?category=bedding").text
    days = re.search(r'<input[^>]*name="return_days"[^>]*>', page).group(0)
    assert 'value="30"' in days
    assert "Use the inherited value: 30 (default for Bedding categories)" in page
    assert "checked" in re.search(r'<input[^>]*name="hygiene_rule"[^>]*>', page).group(0)


def test_fifteen_days_saved_shop_wide_reach_bedding(shop, owner_client):
    owner_client.post(
        "/admin/alpha/plugins/returns/settings",
        data={
            "return_days": "15",
            "exchange_days": "30",
            "free_size_exchange": "y",
            "auto_approve_size_exchange": "y",
            "inherit": ["exchange_days", "hygiene_rule", "free_size_exchange"],
        },
    )
    order = delivered(shop, shop.duvet)
    assert settings_policy(line_of(order, shop.duvet)).return_days == 15
    assert Scope(shop.alpha).own_config("returns") == {
        "return_days": 15,
        "auto_approve_size_exchange": True,
    }


def test_a_bedding_window_of_its_own_beats_the_shop_wide_one(shop, enable_plugin):
    enable_plugin("returns", shop.alpha, return_days=15)
    enable_plugin("returns", shop.alpha, shop.bedding, return_days=45)
    order = delivered(shop, shop.duvet, shop.sneaker, shop.tee)
    assert settings_policy(line_of(order, shop.duvet)).return_days == 45
    assert settings_policy(line_of(order, shop.duvet)).hygiene_rule is True
    assert settings_policy(line_of(order, shop.tee)).return_days == 15


def test_a_category_of_another_kind_gets_the_short_window(shop, make):
    gifts = make.category(shop.alpha, "other", "gifts", "Gifts")
    mug = make.product(shop.alpha, gifts, "Mug", slug="mug")
    order = delivered(shop, mug)
    policy = settings_policy(order.items[0])
    assert (policy.return_days, policy.exchange_days, policy.hygiene_rule) == (7, 7, False)


def test_unticking_the_hygiene_rule_on_bedding_is_stored(shop, owner_client):
    owner_client.post(
        "/admin/alpha/plugins/returns/settings?category=bedding",
        data={
            "return_days": "30",
            "exchange_days": "30",
            "free_size_exchange": "y",
            "auto_approve_size_exchange": "y",
            "inherit": ["return_days", "exchange_days", "free_size_exchange"],
        },
    )
    order = delivered(shop, shop.duvet)
    assert settings_policy(line_of(order, shop.duvet)).hygiene_rule is False
    assert Scope(shop.alpha, shop.bedding).own_config("returns")["hygiene_rule"] is False


# -- the form offers and accepts only lines where returns are on ----------------------


def test_the_form_lists_only_lines_where_returns_are_on(shop, client_for, disable_plugin):
    disable_plugin("returns", shop.alpha, shop.shoes)
    order = delivered(shop, shop.duvet, shop.sneaker)
    page = client_for(shop.alice).get(f"/shop/alpha/account/orders/{order.number}/return").text
    assert f'name="qty-{line_of(order, shop.duvet).id}"' in page
    assert f'name="qty-{line_of(order, shop.sneaker).id}"' not in page


def test_a_shoe_line_is_refused_where_returns_are_off_for_shoes(shop, client_for, disable_plugin):
    disable_plugin("returns", shop.alpha, shop.shoes)
    order = delivered(shop, shop.duvet, shop.sneaker)
    alice = client_for(shop.alice)
    page = ask(alice, order, line_of(order, shop.sneaker))
    assert "Leather Sneaker cannot be returned here." in page.text
    assert requests_count() == 0
    both = ask(
        alice, order, line_of(order, shop.sneaker), **{f"qty-{line_of(order, shop.duvet).id}": "1"}
    )
    assert "cannot be returned here" in both.text and requests_count() == 0
    ask(alice, order, line_of(order, shop.duvet))
    assert requests_count() == 1


def test_an_order_of_shoes_alone_has_no_return_page_or_panel(shop, client_for, disable_plugin):
    disable_plugin("returns", shop.alpha, shop.shoes)
    order = delivered(shop, shop.sneaker)
    alice = client_for(shop.alice)
    assert alice.get(f"/shop/alpha/account/orders/{order.number}/return").status_code == 404
    assert (
        'data-plugin="returns"' not in alice.get(f"/shop/alpha/account/orders/{order.number}").text
    )


def test_returns_on_for_bedding_only(shop, client_for, enable_plugin):
    enable_plugin("returns", shop.alpha, enabled=False)
    enable_plugin("returns", shop.alpha, shop.bedding)
    order = delivered(shop, shop.duvet, shop.tee)
    page = client_for(shop.alice).get(f"/shop/alpha/account/orders/{order.number}/return").text
    assert "Linen Duvet Cover" in page and "Cotton Tee" not in page


# -- existing requests stay readable after the shop stops offering returns ------------


@pytest.fixture
def filed(shop, client_for, owner_client):
    """Alice's sneaker return, approved by the shop: her inbox links to it, a form awaits."""
    order = delivered(shop, shop.sneaker)
    ask(client_for(shop.alice), order, order.items[0])
    found = db.session.scalar(select(ReturnRequest))
    owner_client.post(f"/admin/alpha/returns/{found.rma}/approved", data={"note": "Send it"})
    db.session.refresh(found)
    assert found.status == "approved"
    return found


def switch_off(how, shop, disable_plugin):
    if how == "shoes":
        disable_plugin("returns", shop.alpha, shop.shoes)
    elif how == "shop":
        disable_plugin("returns", shop.alpha)
    else:
        set_platform("returns", available=False, enabled=None, actor=None)
        db.session.commit()


@pytest.mark.parametrize("how", ["shoes", "shop", "hidden"])
def test_a_filed_request_stays_readable_without_its_forms(
    how, shop, filed, client_for, disable_plugin
):
    switch_off(how, shop, disable_plugin)
    alice = client_for(shop.alice)
    links = db.session.scalars(
        select(Notification.link).where(
            Notification.user_id == shop.alice.id, Notification.link.contains(filed.rma)
        )
    ).all()
    assert links
    for url in links:
        page = alice.get(url)
        assert page.status_code == 200, url
        assert filed.rma in page.text and "Approved: send it back" in page.text
        assert 'data-testid="no-longer-offered"' in page.text
        assert "I have sent it" not in page.text and "Cancel this request" not in page.text
    listing = alice.get("/shop/alpha/account/returns")
    assert listing.status_code == 200 and filed.rma in listing.text
    sent = alice.post(
        f"/shop/alpha/returns/{filed.rma}/ship-back", data={"carrier": "SF", "tracking": "SF1"}
    )
    assert sent.status_code == 404
    assert alice.post(f"/shop/alpha/returns/{filed.rma}/cancel").status_code == 404
    db.session.refresh(filed)
    assert filed.status == "approved" and filed.return_tracking is None


@pytest.mark.parametrize("how", ["shop", "hidden"])
def test_my_returns_says_so_once_returns_are_off_throughout_the_shop(
    how, shop, filed, client_for, disable_plugin
):
    switch_off(how, shop, disable_plugin)
    page = client_for(shop.alice).get("/shop/alpha/account/returns").text
    assert filed.rma in page and 'data-testid="no-longer-offered"' in page
    empty = client_for(shop.bob).get("/shop/alpha/account/returns").text
    assert "No returns." in empty and "choose “Return or exchange”" not in empty


def test_someone_elses_request_stays_out_of_reach(shop, filed, client_for, disable_plugin):
    disable_plugin("returns", shop.alpha)
    bob = client_for(shop.bob)
    assert bob.get(f"/shop/alpha/returns/{filed.rma}").status_code == 404
    assert filed.rma not in bob.get("/shop/alpha/account/returns").text


def test_while_offered_the_request_page_has_no_notice(shop, filed, client_for):
    page = client_for(shop.alice).get(f"/shop/alpha/returns/{filed.rma}").text
    assert "no-longer-offered" not in page and "Cancel this request" in page
