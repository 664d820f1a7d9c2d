"""Tenant isolation: merchants never see each other's data, shoppers only their own."""

from __future__ import annotations

import pytest
from flask import g
from werkzeug.exceptions import NotFound

from storefront import Order, Product, db, tenant_get, tenant_select


@pytest.fixture
def storefront_plugins():
    return []


@pytest.fixture
def alice_order(shop, make):
    order = make.order(shop.alpha, shop.alice, shop.sneaker)
    db.session.commit()
    return order


def test_a_shopper_sees_her_own_order(shop, client_for, alice_order):
    response = client_for(shop.alice).get(f"/shop/alpha/account/orders/{alice_order.number}")
    assert response.status_code == 200
    assert alice_order.number in response.text


def test_another_shopper_gets_404_for_that_order(shop, client_for, alice_order):
    response = client_for(shop.bob).get(f"/shop/alpha/account/orders/{alice_order.number}")
    assert response.status_code == 404
    assert "1 Test Road" not in response.text
    assert "Leather Sneaker" not in response.text


def test_the_order_is_not_reachable_through_another_shop(shop, client_for, alice_order):
    response = client_for(shop.alice).get(f"/shop/beta/account/orders/{alice_order.number}")
    assert response.status_code == 404


def test_order_lists_are_per_shopper_and_per_shop(shop, client_for, make, alice_order):
    bob_order = make.order(shop.alpha, shop.bob, shop.duvet)
    beta_order = make.order(shop.beta, shop.alice, shop.beta_quilt)
    db.session.commit()
    alice = client_for(shop.alice)

    alpha_page = alice.get("/shop/alpha/account").text
    assert alice_order.number in alpha_page
    assert bob_order.number not in alpha_page
    assert beta_order.number not in alpha_page

    beta_page = alice.get("/shop/beta/account").text
    assert beta_order.number in beta_page
    assert alice_order.number not in beta_page


def test_inbox_shows_only_this_shops_messages(shop, client_for, make):
    from storefront import notify

    notify(shop.alice, "Alpha news", merchant=shop.alpha)
    notify(shop.alice, "Beta news", merchant=shop.beta)
    notify(shop.bob, "Bob's news", merchant=shop.alpha)
    db.session.commit()
    page = client_for(shop.alice).get("/shop/alpha/account/inbox").text
    assert "Alpha news" in page
    assert "Beta news" not in page
    assert "Bob&#39;s news" not in page and "Bob's news" not in page


def test_staff_of_one_shop_get_403_in_another_shops_admin(shop, client_for):
    assert client_for(shop.alpha_owner).get("/admin/alpha/").status_code == 200
    assert client_for(shop.alpha_agent).get("/admin/alpha/").status_code == 200
    assert client_for(shop.alpha_owner).get("/admin/beta/").status_code == 403
    assert client_for(shop.alpha_agent).get("/admin/beta/").status_code == 403
    assert client_for(shop.beta_owner).get("/admin/alpha/").status_code == 403


def test_shoppers_get_403_and_guests_sign_in_for_the_admin(shop, client, client_for):
    assert client_for(shop.alice).get("/admin/alpha/").status_code == 403
    response = client.get("/admin/alpha/")
    assert response.status_code == 302
    assert "/login?next=" in response.headers["Location"]


def test_admin_of_an_unknown_shop_is_404(shop, client_for):
    assert client_for(shop.alpha_owner).get("/admin/nobody/").status_code == 404


def test_tenant_helpers_filter_by_merchant(app, shop):
    with app.test_request_context("/shop/alpha/"):
        g.merchant = shop.alpha
        names = {p.name for p in db.session.scalars(tenant_select(Product))}
        assert names == {"Linen Duvet Cover", "Leather Sneaker", "Cotton Tee"}
        assert tenant_get(Product, shop.tee.id) == shop.tee
        assert tenant_get(Product, str(shop.tee.id)) == shop.tee
        for bad in (shop.beta_quilt.id, "abc", None, "1; drop table product", 10**30, -1):
            with pytest.raises(NotFound):
                tenant_get(Product, bad)
        assert db.session.scalars(tenant_select(Order)).all() == []


def test_theme_preview_is_for_the_shops_staff_only(shop, client, client_for):
    url = "/shop/alpha/?preview_theme=linen"
    linen_css = "/themes/linen/static/theme.css"
    assert linen_css in client_for(shop.alpha_owner).get(url).text
    assert linen_css not in client.get(url).text
    assert linen_css not in client_for(shop.alice).get(url).text
    assert linen_css not in client_for(shop.beta_owner).get(url).text


def test_addresses_belong_to_their_shopper(shop, client_for):
    from storefront.models import Address

    address = Address(
        user_id=shop.alice.id, recipient="A", phone="+8613800138000", line1="1 Rd", city="SH"
    )
    db.session.add(address)
    db.session.commit()
    response = client_for(shop.bob).post(f"/shop/alpha/account/addresses/{address.id}/delete")
    assert response.status_code == 404
    assert db.session.get(Address, address.id) is not None
    response = client_for(shop.alice).post(f"/shop/alpha/account/addresses/{address.id}/delete")
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Address, address.id) is None


def test_checkout_of_another_shop_never_mixes_carts(shop, client_for):
    alice = client_for(shop.alice)
    alice.post("/shop/alpha/p/sneaker/add", data={"variant": shop.sneaker.variants[0].id})
    response = alice.get("/shop/beta/checkout")
    assert response.headers["Location"] == "/shop/beta/cart"
