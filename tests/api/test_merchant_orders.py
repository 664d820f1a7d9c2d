"""The merchant's orders through an API key: list, search, read, move along; and who may."""

from __future__ import annotations

import pytest

from storefront import Membership, db
from storefront.models import Order
from storefront.testing import bearer, merchant_key

ORDERS = "/api/v1/shops/alpha/admin/orders"


@pytest.fixture
def orders(shop, make):
    """Alice's and Bob's orders at alpha, and one of Alice's at beta."""
    placed = {
        "alice_paid": make.order(shop.alpha, shop.alice, shop.sneaker),
        "alice_new": make.order(shop.alpha, shop.alice, shop.duvet, status="pending_payment"),
        "bob_shipped": make.order(shop.alpha, shop.bob, shop.tee, status="shipped"),
        "beta": make.order(shop.beta, shop.alice, shop.beta_quilt),
    }
    placed["bob_shipped"].recipient = "Bob Builder"
    placed["bob_shipped"].phone = "+8613912345678"
    db.session.commit()
    return placed


@pytest.fixture
def key(shop):
    return merchant_key(shop.alpha, shop.alpha_owner, scopes=["orders:read", "orders:write"])


def numbers(answer) -> list[str]:
    assert answer.status_code == 200, answer.get_json()
    return [o["number"] for o in answer.get_json()["items"]]


def test_the_list_is_the_shops_own_newest_first(client, shop, orders, key):
    found = numbers(client.get(ORDERS, headers=key))
    expected = [orders[n].number for n in ("bob_shipped", "alice_new", "alice_paid")]
    assert found == expected
    assert orders["beta"].number not in found


def test_the_list_filters_by_status_and_pages_by_cursor(client, shop, orders, key):
    shipped = numbers(client.get(f"{ORDERS}?status=shipped", headers=key))
    assert shipped == [orders["bob_shipped"].number]
    first = client.get(f"{ORDERS}?limit=2", headers=key).get_json()
    assert len(first["items"]) == 2 and first["next_cursor"]
    rest = numbers(client.get(f"{ORDERS}?limit=2&cursor={first['next_cursor']}", headers=key))
    assert rest == [orders["alice_paid"].number]
    bad = client.get(f"{ORDERS}?status=lost", headers=key)
    assert bad.status_code == 400 and bad.get_json()["error"]["field"] == "status"


@pytest.mark.parametrize(
    ("terms", "expected"),
    [
        ("bob b", ["bob_shipped"]),  # recipient, any case
        ("139123", ["bob_shipped"]),  # a phone typed without +86
        ("+86139", ["bob_shipped"]),
        ("Builder", []),  # a prefix, not anywhere in the name
        ("%", []),  # LIKE wildcards are plain characters
    ],
)
def test_search_by_the_start_of_recipient_or_phone(client, orders, key, terms, expected):
    found = numbers(client.get(ORDERS, query_string={"q": terms}, headers=key))
    assert found == [orders[n].number for n in expected]


def test_search_by_the_start_of_an_order_number(client, orders, key):
    number = orders["alice_paid"].number
    assert numbers(client.get(ORDERS, query_string={"q": number[:-2]}, headers=key)) == [number]
    assert numbers(client.get(ORDERS, query_string={"q": number.lower()}, headers=key)) == [number]


def test_an_order_has_its_lines_history_and_the_shoppers_contact(client, shop, orders, key):
    order = orders["alice_paid"]
    body = client.get(f"{ORDERS}/{order.number}", headers=key).get_json()
    assert body["status"] == "awaiting_shipment"
    assert body["shopper"] == {"name": "Alice", "email": "alice@example.com", "phone": None}
    assert body["phone"] == "+8613800138000" and body["address"] == "1 Test Road, Shanghai"
    [line] = body["items"]
    assert (line["product_slug"], line["category"], line["quantity"]) == ("sneaker", "shoes", 1)
    assert line["unit_price"]["amount_minor"] == 69900
    assert [h["new_status"] for h in body["history"]] == ["pending_payment", "awaiting_shipment"]
    assert body["next_statuses"] == ["shipped", "cancelled"]
    assert body["paid"] is True


def test_another_shops_order_is_not_found(client, shop, orders, key):
    assert client.get(f"{ORDERS}/{orders['beta'].number}", headers=key).status_code == 404
    answer = client.post(
        f"{ORDERS}/{orders['beta'].number}/status", json={"status": "shipped"}, headers=key
    )
    assert answer.status_code == 404
    db.session.expire_all()
    assert db.session.get(Order, orders["beta"].id).status == "awaiting_shipment"


def test_alphas_key_finds_nothing_at_beta(client, shop, orders, key):
    beta = f"/api/v1/shops/beta/admin/orders/{orders['beta'].number}"
    assert client.get(beta, headers=key).status_code == 404
    assert client.get("/api/v1/shops/beta/admin/orders", headers=key).status_code == 404
    betas_own = merchant_key(shop.beta, shop.beta_owner)
    assert client.get(beta, headers=betas_own).status_code == 200
    assert orders["alice_paid"].number not in numbers(
        client.get("/api/v1/shops/beta/admin/orders", headers=betas_own)
    )


@pytest.mark.parametrize("who", ["alice", "bob"])
def test_a_shopper_token_is_not_a_key(client, shop, orders, who):
    token = bearer(getattr(shop, who))
    for url in (ORDERS, f"{ORDERS}/{orders['alice_paid'].number}"):
        answer = client.get(url, headers=token)
        assert answer.status_code == 401
        assert answer.get_json()["error"]["code"] == "unauthorized"
    assert client.get(ORDERS).status_code == 401


def test_changing_status_records_who_and_which_key(client, shop, orders, key, sent_emails):
    order = orders["alice_paid"]
    answer = client.post(
        f"{ORDERS}/{order.number}/status",
        json={"status": "shipped", "note": " SF 123 "},
        headers=key,
    )
    assert answer.status_code == 200, answer.get_json()
    body = answer.get_json()
    assert body["status"] == "shipped" and body["next_statuses"] == ["completed"]
    last = body["history"][-1]
    assert last["actor"] == "Alpha Owner (API: test key)"
    assert last["note"] == "SF 123"
    db.session.expire_all()
    change = db.session.get(Order, order.id).history[-1]
    assert change.actor_id == shop.alpha_owner.id


def test_an_illegal_transition_is_a_409_naming_status(client, shop, orders, key):
    order = orders["bob_shipped"]
    answer = client.post(
        f"{ORDERS}/{order.number}/status",
        json={"status": "cancelled"},
        headers={**key, "Accept-Language": "zh-CN"},
    )
    assert answer.status_code == 409
    error = answer.get_json()["error"]
    assert (error["field"], error["code"]) == ("status", "illegal_transition")
    assert "shipped" not in error["message"].lower()  # in the caller's language
    db.session.expire_all()
    assert db.session.get(Order, order.id).status == "shipped"
    assert len(db.session.get(Order, order.id).history) == 3


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "status"),
        ({"status": "lost"}, "status"),
        ({"status": "shipped", "note": "x" * 1001}, "note"),
        ({"status": "shipped", "note": 5}, "note"),
        ({"status": "shipped", "extra": 1}, "extra"),
    ],
)
def test_bad_status_bodies_name_the_field(client, orders, key, body, field):
    order = orders["alice_paid"]
    answer = client.post(f"{ORDERS}/{order.number}/status", json=body, headers=key)
    assert answer.status_code == 400
    assert answer.get_json()["error"]["field"] == field
    db.session.expire_all()
    assert db.session.get(Order, order.id).status == "awaiting_shipment"


def test_a_read_only_key_may_not_change_status(client, shop, orders):
    read_only = merchant_key(shop.alpha, shop.alpha_owner, scopes=["orders:read"])
    number = orders["alice_paid"].number
    assert client.get(f"{ORDERS}/{number}", headers=read_only).status_code == 200
    answer = client.post(f"{ORDERS}/{number}/status", json={"status": "shipped"}, headers=read_only)
    assert answer.status_code == 403
    assert answer.get_json()["error"]["code"] == "scope_missing"
    plugins_only = merchant_key(shop.alpha, shop.alpha_owner, scopes=["plugins:read"])
    assert client.get(ORDERS, headers=plugins_only).get_json()["error"]["code"] == "scope_missing"


def test_an_agents_key_works_orders_and_stops_when_the_agent_leaves(client, shop, orders):
    agent_key = merchant_key(shop.alpha, shop.alpha_agent, scopes=["orders:read"])
    assert client.get(ORDERS, headers=agent_key).status_code == 200
    membership = db.session.scalar(
        db.select(Membership).filter_by(user_id=shop.alpha_agent.id, merchant_id=shop.alpha.id)
    )
    db.session.delete(membership)
    db.session.commit()
    assert client.get(ORDERS, headers=agent_key).status_code == 401
