"""The shopper's orders through the API: own orders only, history, paying one that waits."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from storefront.extensions import db
from storefront.models import Order, OrderStatusChange, Upload
from storefront.testing import bearer, merchant_key

ZH = {"Accept-Language": "zh-CN"}


@pytest.fixture
def alice(shop):
    return bearer(shop.alice)


@pytest.fixture
def bob(shop):
    return bearer(shop.bob)


def url(merchant: str, number: str = "", tail: str = "") -> str:
    base = f"/api/v1/shops/{merchant}/orders"
    return f"{base}/{number}{tail}" if number else base


def pay(client, headers, order, payment="test", key=None, merchant="alpha"):
    headers = {**headers, **({"Idempotency-Key": key} if key else {})}
    return client.post(
        url(merchant, order.number, "/payment"), json={"payment": payment}, headers=headers
    )


def error(answer) -> dict:
    return answer.get_json()["error"]


def with_image(product) -> None:
    """A picture row for the product, so the counts include loading pictures."""
    product.image = Upload(
        token=f"img-{product.id}.png",
        merchant_id=product.merchant_id,
        purpose="product",
        public=True,
        content_type="image/png",
        size=1,
        width=1,
        height=1,
    )


def test_the_list_is_the_shoppers_own_newest_first_by_cursor(client, shop, make, alice, bob):
    made = [make.order(shop.alpha, shop.alice, shop.sneaker) for _ in range(3)]
    make.order(shop.alpha, shop.bob, shop.sneaker)
    make.order(shop.beta, shop.alice, shop.beta_quilt)
    db.session.commit()
    first = client.get(url("alpha") + "?limit=2", headers=alice).get_json()
    rest = client.get(url("alpha") + f"?limit=2&cursor={first['next_cursor']}", headers=alice)
    numbers = [o["number"] for o in first["items"] + rest.get_json()["items"]]
    assert numbers == [o.number for o in reversed(made)]
    assert rest.get_json()["next_cursor"] is None
    summary = first["items"][0]
    assert summary["status"] == "awaiting_shipment" and summary["item_count"] == 1
    assert summary["total"]["amount_minor"] == 69900 and summary["actions"] == []
    assert len(client.get(url("alpha"), headers=bob).get_json()["items"]) == 1
    assert len(client.get(url("beta"), headers=alice).get_json()["items"]) == 1
    assert client.get(url("beta"), headers=bob).get_json()["items"] == []


def test_a_bad_cursor_names_the_field(client, shop, alice):
    answer = client.get(url("alpha") + "?cursor=bm9wZQ", headers=alice)
    assert answer.status_code == 400 and error(answer)["field"] == "cursor"


def test_the_detail_has_lines_totals_delivery_and_history(client, shop, make, alice):
    order = make.order(shop.alpha, shop.alice, products=[shop.duvet, shop.sneaker], quantity=2)
    db.session.commit()
    answer = client.get(url("alpha", order.number), headers=alice)
    assert answer.status_code == 200
    body = answer.get_json()
    assert [(line["product_slug"], line["quantity"]) for line in body["lines"]] == [
        ("duvet", 2),
        ("sneaker", 2),
    ]
    assert body["lines"][1]["unit_price"]["amount_minor"] == 69900
    assert body["lines"][1]["line_total"]["amount_minor"] == 2 * 69900
    assert body["total"]["amount_minor"] == 2 * (59900 + 69900)
    assert body["item_count"] == 4
    assert (body["recipient"], body["phone"]) == ("Alice", "+8613800138000")
    assert body["address"] == "1 Test Road, Shanghai"
    assert body["status_label"] == "Awaiting shipment"
    assert [(h["status"], h["label"]) for h in body["history"]] == [
        ("pending_payment", "Awaiting payment"),
        ("awaiting_shipment", "Awaiting shipment"),
    ]
    assert all(h["at"] for h in body["history"])
    assert body["payment_method"] == "test" and body["paid_at"]


def test_labels_follow_the_callers_language(client, shop, make, alice):
    order = make.order(shop.alpha, shop.alice, shop.sneaker)
    db.session.commit()
    english = client.get(url("alpha", order.number), headers=alice).get_json()
    chinese = client.get(url("alpha", order.number), headers={**alice, **ZH}).get_json()
    assert chinese["status"] == english["status"]
    assert chinese["status_label"] != english["status_label"]
    assert chinese["history"][0]["label"] != english["history"][0]["label"]


def test_a_line_of_a_product_since_deleted_still_shows(client, shop, make, alice):
    order = make.order(shop.alpha, shop.alice, shop.tee)
    db.session.delete(shop.tee)
    db.session.commit()
    [line] = client.get(url("alpha", order.number), headers=alice).get_json()["lines"]
    assert line["product_slug"] is None and line["product_name"] == "Cotton Tee"


def test_the_detail_carries_an_etag(client, shop, make, alice):
    order = make.order(shop.alpha, shop.alice, shop.sneaker, status="pending_payment")
    db.session.commit()
    etag = client.get(url("alpha", order.number), headers=alice).headers["ETag"]
    unchanged = client.get(url("alpha", order.number), headers={**alice, "If-None-Match": etag})
    assert unchanged.status_code == 304
    pay(client, alice, order)
    changed = client.get(url("alpha", order.number), headers={**alice, "If-None-Match": etag})
    assert changed.status_code == 200


def test_the_detail_costs_the_same_queries_with_more_lines(
    client, shop, make, alice, count_queries
):
    with_image(shop.duvet)
    with_image(shop.sneaker)
    small = make.order(shop.alpha, shop.alice, products=[shop.duvet, shop.sneaker])
    products = [
        make.product(shop.alpha, make.category(shop.alpha, "apparel"), f"Shirt {n}")
        for n in range(6)
    ]
    for product in products:
        with_image(product)
    large = make.order(shop.alpha, shop.alice, products=[shop.duvet, *products])
    db.session.commit()
    small_url, large_url = url("alpha", small.number), url("alpha", large.number)
    client.get(small_url, headers=alice)  # the shop's settings are read once, then cached
    with count_queries() as few:
        client.get(small_url, headers=alice)
    with count_queries() as many:
        body = client.get(large_url, headers=alice).get_json()
    assert len(body["lines"]) == 7
    assert body["lines"][-1]["image"]["url"].endswith(".png")
    assert many.count == few.count, many.statements
    with count_queries() as listed_few:
        client.get(url("alpha"), headers=alice)
    for _ in range(4):
        make.order(shop.alpha, shop.alice, products=products)
    db.session.commit()
    with count_queries() as listed_many:
        client.get(url("alpha"), headers=alice)
    assert listed_many.count == listed_few.count


def test_paying_an_order_that_waits(client, shop, make, alice):
    order = make.order(shop.alpha, shop.alice, shop.sneaker, status="pending_payment")
    db.session.commit()
    before = client.get(url("alpha", order.number), headers=alice).get_json()
    assert before["actions"] == ["pay"]
    answer = pay(client, alice, order)
    assert answer.status_code == 200
    body = answer.get_json()
    assert body["status"] == "awaiting_shipment" and body["actions"] == []
    assert [h["status"] for h in body["history"]] == ["pending_payment", "awaiting_shipment"]
    again = pay(client, alice, order)
    assert again.status_code == 409
    assert error(again)["code"] == "not_awaiting_payment"
    assert error(again)["message"] == "This order is not awaiting payment."
    chinese = error(pay(client, {**alice, **ZH}, order))
    assert chinese["code"] == "not_awaiting_payment"
    assert chinese["message"] != "This order is not awaiting payment."


def test_a_cancelled_order_cannot_be_paid(client, shop, make, alice):
    order = make.order(shop.alpha, shop.alice, shop.sneaker, status="cancelled")
    db.session.commit()
    assert error(pay(client, alice, order))["code"] == "not_awaiting_payment"


def test_an_unknown_payment_method_names_the_field(client, shop, make, alice):
    order = make.order(shop.alpha, shop.alice, shop.sneaker, status="pending_payment")
    db.session.commit()
    for body in ({"payment": "free-money"}, {"payment": ""}, {}, {"payment": "test", "x": 1}):
        answer = client.post(url("alpha", order.number, "/payment"), json=body, headers=alice)
        assert answer.status_code == 400, body
        assert error(answer)["field"] in ("payment", "x")
    db.session.refresh(order)
    assert order.status == "pending_payment"


def test_a_retried_payment_pays_once(client, shop, make, alice):
    order = make.order(shop.alpha, shop.alice, shop.sneaker, status="pending_payment")
    db.session.commit()
    first = pay(client, alice, order, key="pay-1")
    retry = pay(client, alice, order, key="pay-1")
    assert first.status_code == retry.status_code == 200
    assert retry.headers.get("Idempotent-Replayed") == "true"
    changes = db.session.scalars(
        select(OrderStatusChange).where(OrderStatusChange.order_id == order.id)
    ).all()
    assert [c.new_status for c in changes] == ["pending_payment", "awaiting_shipment"]


def test_another_shoppers_or_shops_order_is_not_there(client, shop, make, alice, bob):
    alices = make.order(shop.alpha, shop.alice, shop.sneaker, status="pending_payment")
    betas = make.order(shop.beta, shop.alice, shop.beta_quilt, status="pending_payment")
    db.session.commit()
    assert client.get(url("alpha", alices.number), headers=bob).status_code == 404
    assert pay(client, bob, alices).status_code == 404
    assert client.get(url("beta", alices.number), headers=alice).status_code == 404
    assert pay(client, alice, alices, merchant="beta").status_code == 404
    assert client.get(url("alpha", betas.number), headers=alice).status_code == 404
    assert client.get(url("beta", betas.number), headers=bob).status_code == 404
    assert client.get(url("beta", betas.number), headers=alice).status_code == 200
    assert client.get(url("alpha", "NOPE"), headers=alice).status_code == 404
    assert [o.status for o in db.session.scalars(select(Order))] == ["pending_payment"] * 2


@pytest.mark.parametrize("method, tail", [("GET", ""), ("GET", "/N"), ("POST", "/N/payment")])
def test_only_a_shopper_token_opens_orders(client, shop, make, method, tail):
    order = make.order(shop.alpha, shop.alice, shop.sneaker, status="pending_payment")
    db.session.commit()
    path = url("alpha") + tail.replace("N", order.number)
    json = {"payment": "test"} if method == "POST" else None
    assert client.open(path, method=method, json=json).status_code == 401
    key = merchant_key(shop.alpha, shop.alpha_owner)
    assert client.open(path, method=method, json=json, headers=key).status_code == 401
    db.session.refresh(order)
    assert order.status == "pending_payment"
