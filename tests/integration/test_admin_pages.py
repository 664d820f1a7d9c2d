"""The merchant admin through the test client: orders, plugin matrix, settings, staff."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from storefront import Membership, Order, db
from storefront.models import AuditLog
from tests.core_helpers import with_test_plugins

PAGES = [
    "/admin/alpha/",
    "/admin/alpha/orders",
    "/admin/alpha/products",
    "/admin/alpha/inbox",
    "/admin/alpha/plugins",
    "/admin/alpha/settings",
    "/admin/alpha/staff",
    "/admin/alpha/audit",
    "/admin/alpha/categories",
]
OWNER_ONLY = PAGES[4:]


@pytest.fixture
def storefront_plugins():
    return []


@pytest.fixture
def storefront_config():
    return with_test_plugins(
        "core_sections", "core_optin", "core_replacer_one", "core_replacer_two"
    )


@pytest.mark.parametrize("path", PAGES)
def test_every_admin_page_opens_for_the_owner(owner_client, path):
    page = owner_client.get(path)
    assert page.status_code == 200, path
    assert '<meta charset="utf-8">' in page.text


@pytest.mark.parametrize("path", OWNER_ONLY)
def test_agents_cannot_open_owner_pages(agent_client, path):
    assert agent_client.get(path).status_code == 403


@pytest.mark.parametrize("path", PAGES)
def test_other_shops_staff_and_shoppers_are_kept_out(shop, client_for, client, path):
    assert client_for(shop.beta_owner).get(path).status_code == 403
    assert client_for(shop.alice).get(path).status_code == 403
    assert client.get(path).status_code == 302  # to the sign-in page


def test_order_list_filters_and_detail_moves_the_status(shop, make, owner_client):
    order = make.order(shop.alpha, shop.alice, shop.sneaker)
    db.session.commit()
    listing = owner_client.get("/admin/alpha/orders?status=awaiting_shipment")
    assert order.number in listing.text
    assert order.number not in owner_client.get("/admin/alpha/orders?status=shipped").text
    assert order.number in owner_client.get("/admin/alpha/orders?q=alice@").text

    page = owner_client.get(f"/admin/alpha/orders/{order.number}")
    assert "Leather Sneaker" in page.text
    done = owner_client.post(
        f"/admin/alpha/orders/{order.number}",
        data={"status": "shipped", "note": "Parcel handed over"},
        follow_redirects=True,
    )
    assert "is now Shipped" in done.text
    assert "Parcel handed over" in done.text
    assert db.session.get(Order, order.id).status == "shipped"


def test_an_impossible_status_change_is_refused_with_a_message(shop, make, owner_client):
    order = make.order(shop.alpha, shop.alice, shop.sneaker)
    page = owner_client.post(
        f"/admin/alpha/orders/{order.number}", data={"status": "pending_payment"}
    )
    assert page.status_code == 200
    assert "not possible" in page.text
    assert db.session.get(Order, order.id).status == "awaiting_shipment"


def test_another_shops_order_is_not_found(shop, make, owner_client):
    theirs = make.order(shop.beta, shop.bob, shop.beta_quilt)
    assert owner_client.get(f"/admin/alpha/orders/{theirs.number}").status_code == 404


def test_matrix_switches_a_plugin_off_for_one_category(shop, owner_client, client):
    assert "core-optin" not in client.get("/shop/alpha/p/sneaker").text
    owner_client.post(
        "/admin/alpha/plugins/switch", data={"plugin": "core_optin", "category": "", "state": "on"}
    )
    owner_client.post(
        "/admin/alpha/plugins/switch",
        data={"plugin": "core_optin", "category": "shoes", "state": "off"},
    )
    assert "core-optin" in client.get("/shop/alpha/p/duvet").text
    assert "core-optin" not in client.get("/shop/alpha/p/sneaker").text
    matrix = owner_client.get("/admin/alpha/plugins").text
    assert "set for this category" in matrix
    log = db.session.scalars(select(AuditLog).where(AuditLog.action == "plugin.enabled")).all()
    assert [entry.after for entry in log] == [{"enabled": True}, {"enabled": False}]


def test_matrix_shows_replacement_and_conflict(shop, enable_plugin, owner_client):
    enable_plugin("core_replacer_one", shop.alpha)
    enable_plugin("core_replacer_two", shop.alpha)
    matrix = owner_client.get("/admin/alpha/plugins").text
    assert "replaced by core_replacer_one" in matrix
    assert "conflict: core_replacer_one is used instead" in matrix
    assert "all replace" in owner_client.get("/admin/alpha/").text


def test_matrix_rejects_unknown_plugins_and_other_shops_categories(shop, owner_client):
    unknown = owner_client.post(
        "/admin/alpha/plugins/switch", data={"plugin": "nope", "category": "", "state": "on"}
    )
    assert unknown.status_code == 404
    foreign = owner_client.post(
        "/admin/alpha/plugins/switch",
        data={"plugin": "core_optin", "category": "no-such", "state": "on"},
    )
    assert foreign.status_code == 404


def test_staff_add_and_last_owner_stays(shop, make, owner_client):
    newcomer = make.user(name="Nina", email="nina@example.com")
    db.session.commit()
    missing = owner_client.post("/admin/alpha/staff", data={"email": "x@nowhere.example"})
    assert "No account uses this email" in missing.text
    owner_client.post("/admin/alpha/staff", data={"email": "nina@example.com", "role": "agent"})
    assert newcomer.role_in(shop.alpha.id) == "agent"
    mine = db.session.scalar(select(Membership).where(Membership.user_id == shop.alpha_owner.id))
    page = owner_client.post(f"/admin/alpha/staff/{mine.id}/remove", follow_redirects=True)
    assert "at least one owner" in page.text


def test_shop_settings_validate_and_audit(shop, owner_client):
    bad = owner_client.post(
        "/admin/alpha/settings",
        data={"name": "", "theme": "default", "locale": "en", "timezone": "Asia/Shanghai"},
    )
    assert "This field is required" in bad.text
    owner_client.post(
        "/admin/alpha/settings",
        data={"name": "Alpha Linen", "theme": "linen", "locale": "zh_CN", "timezone": "UTC"},
    )
    assert shop.alpha.name == "Alpha Linen"
    assert "Alpha Linen" in owner_client.get("/admin/alpha/audit").text


def test_user_content_is_escaped(shop, make, owner_client):
    mallory = make.user(name="<script>x</script>", email="mallory@example.com")
    order = make.order(shop.alpha, mallory, shop.sneaker)
    db.session.commit()
    page = owner_client.get(f"/admin/alpha/orders/{order.number}").text
    assert "<script>x</script>" not in page
    assert "&lt;script&gt;" in page


def test_owner_adds_and_renames_categories_with_clear_errors(shop, owner_client, client):
    bad = owner_client.post(
        "/admin/alpha/categories", data={"name": "Socks", "slug": "Socks!", "kind": "apparel"}
    )
    assert "Use a-z, 0-9 and dashes only." in bad.text
    taken = owner_client.post(
        "/admin/alpha/categories", data={"name": "Shoes 2", "slug": "shoes", "kind": "shoes"}
    )
    assert "already uses this address name" in taken.text
    owner_client.post(
        "/admin/alpha/categories", data={"name": "Socks", "slug": "socks", "kind": "apparel"}
    )
    assert client.get("/shop/alpha/c/socks").status_code == 200
    other = owner_client.get(f"/admin/alpha/categories/{shop.beta_bedding.id}")
    assert other.status_code == 404
