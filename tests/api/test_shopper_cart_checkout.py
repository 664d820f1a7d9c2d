"""The stored cart and checkout through the API: the pages' rules, once, over a flaky network."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import delete, func, select

from storefront.extensions import db
from storefront.models import Address, IdempotentAnswer, Order, StoredCartItem, Upload, Variant
from storefront.testing import bearer, merchant_key
from tests.core_helpers import with_test_plugins

ADDRESS = {
    "recipient": "Alice Wang",
    "phone": "138 0013 8000",
    "line1": "88 Century Avenue",
    "city": "Shanghai",
    "province": "Shanghai",
    "postcode": "200120",
}
ZH = {"Accept-Language": "zh-CN"}


@pytest.fixture
def storefront_plugins():
    return []


@pytest.fixture
def alice(shop):
    return bearer(shop.alice)


@pytest.fixture
def bob(shop):
    return bearer(shop.bob)


def size(shop, label: str) -> Variant:
    return next(v for v in shop.sneaker.variants if v.size == label)


def cart_url(merchant: str = "alpha") -> str:
    return f"/api/v1/shops/{merchant}/cart"


def put(client, headers, variant, quantity, merchant="alpha", extra=None):
    return client.put(
        f"{cart_url(merchant)}/lines/{variant.id}",
        json={"quantity": quantity},
        headers={**headers, **(extra or {})},
    )


def checkout(client, headers, body=None, merchant="alpha", key=None, extra=None):
    headers = {**headers, **(extra or {})}
    if key:
        headers["Idempotency-Key"] = key
    body = {"address": ADDRESS, "payment": "test"} if body is None else body
    return client.post(f"/api/v1/shops/{merchant}/checkout", json=body, headers=headers)


def orders() -> list[Order]:
    return list(db.session.scalars(select(Order).order_by(Order.id)))


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


# -- the cart ---------------------------------------------------------------------------


def test_an_empty_cart(client, shop, alice):
    body = client.get(cart_url(), headers=alice).get_json()
    assert body["lines"] == [] and body["count"] == 0
    assert body["total"]["amount_minor"] == 0 and body["total"]["currency"] == "CNY"
    assert body["max_quantity"] == 20


def test_lines_show_variant_product_quantity_and_totals(client, shop, alice):
    assert put(client, alice, size(shop, "41"), 2).status_code == 200
    answer = put(client, alice, shop.duvet.variants[0], 1)
    body = answer.get_json()
    assert [(line["variant"]["label"], line["quantity"]) for line in body["lines"]] == [
        ("41 / White", 2),
        ("1.5m / Oat", 1),
    ]
    sneaker = body["lines"][0]
    assert sneaker["product"]["slug"] == "sneaker"
    assert sneaker["product"]["category"]["slug"] == "shoes"
    assert sneaker["variant"]["stock"] == 5
    assert sneaker["line_total"]["amount_minor"] == 2 * 69900
    assert body["total"]["amount_minor"] == 2 * 69900 + 59900
    assert body["total"]["formatted"].endswith("¥1,997.00")
    assert body["count"] == 3
    assert client.get(cart_url(), headers=alice).get_json() == body


def test_put_sets_the_quantity_and_zero_or_delete_removes(client, shop, alice):
    put(client, alice, size(shop, "41"), 2)
    put(client, alice, size(shop, "42"), 1)
    assert put(client, alice, size(shop, "41"), 4).get_json()["count"] == 5
    lines = put(client, alice, size(shop, "41"), 0).get_json()["lines"]
    assert [line["variant"]["label"] for line in lines] == ["42 / White"]
    gone = client.delete(f"{cart_url()}/lines/{size(shop, '42').id}", headers=alice)
    assert gone.status_code == 200 and gone.get_json()["lines"] == []
    again = client.delete(f"{cart_url()}/lines/{size(shop, '42').id}", headers=alice)
    assert again.status_code == 200


def test_delete_empties_the_cart_of_this_shop_only(client, shop, alice):
    put(client, alice, size(shop, "41"), 2)
    put(client, alice, shop.beta_quilt.variants[0], 1, merchant="beta")
    emptied = client.delete(cart_url(), headers=alice)
    assert emptied.status_code == 200 and emptied.get_json()["lines"] == []
    assert len(client.get(cart_url("beta"), headers=alice).get_json()["lines"]) == 1


@pytest.mark.parametrize(
    "body", [{"quantity": 21}, {"quantity": -1}, {"quantity": "lots"}, {}, {"qty": 1}]
)
def test_bad_quantities_name_the_field(client, shop, alice, body):
    answer = client.put(f"{cart_url()}/lines/{size(shop, '41').id}", json=body, headers=alice)
    assert answer.status_code == 400
    assert error(answer)["field"] in ("quantity", "qty")
    assert db.session.scalar(select(func.count(StoredCartItem.id))) == 0


def test_variants_this_shop_does_not_sell_are_refused(client, shop, alice):
    foreign = put(client, alice, shop.beta_quilt.variants[0], 1)
    assert foreign.status_code == 404 and error(foreign)["field"] == "variant_id"
    shop.tee.active = False
    db.session.commit()
    inactive = put(client, alice, shop.tee.variants[0], 1)
    assert inactive.status_code == 404 and error(inactive)["field"] == "variant_id"
    unknown = client.put(f"{cart_url()}/lines/999999", json={"quantity": 1}, headers=alice)
    assert unknown.status_code == 404
    assert db.session.scalar(select(func.count(StoredCartItem.id))) == 0


def test_more_than_in_stock_is_refused_in_the_callers_language(client, shop, alice):
    answer = put(client, alice, size(shop, "41"), 6)
    assert answer.status_code == 409
    assert error(answer) == {
        "code": "not_enough_stock",
        "message": "Only 5 left in 41 / White.",
        "field": "quantity",
    }
    chinese = error(put(client, alice, size(shop, "41"), 6, extra=ZH))
    assert chinese["field"] == "quantity"
    assert "5" in chinese["message"] and chinese["message"] != "Only 5 left in 41 / White."
    assert client.get(cart_url(), headers=alice).get_json()["lines"] == []


def test_a_cart_holds_a_bounded_number_of_lines(client, shop, alice, monkeypatch):
    from storefront.api import cart

    monkeypatch.setattr(cart, "MAX_LINES", 2)
    put(client, alice, size(shop, "41"), 1)
    put(client, alice, size(shop, "42"), 1)
    full = put(client, alice, size(shop, "40"), 1)
    assert full.status_code == 409 and error(full)["code"] == "cart_full"
    assert put(client, alice, size(shop, "41"), 3).status_code == 200  # a line it holds


def test_a_product_taken_off_sale_drops_out_of_the_cart(client, shop, alice):
    put(client, alice, shop.tee.variants[0], 1)
    put(client, alice, size(shop, "41"), 1)
    shop.tee.active = False
    db.session.commit()
    lines = client.get(cart_url(), headers=alice).get_json()["lines"]
    assert [line["product"]["slug"] for line in lines] == ["sneaker"]


def test_the_cart_carries_an_etag(client, shop, alice):
    put(client, alice, size(shop, "41"), 1)
    first = client.get(cart_url(), headers=alice)
    etag = first.headers["ETag"]
    unchanged = client.get(cart_url(), headers={**alice, "If-None-Match": etag})
    assert unchanged.status_code == 304
    put(client, alice, size(shop, "41"), 2)
    changed = client.get(cart_url(), headers={**alice, "If-None-Match": etag})
    assert changed.status_code == 200


def test_the_cart_costs_the_same_queries_with_more_lines(client, shop, make, alice, count_queries):
    with_image(shop.sneaker)
    with_image(shop.duvet)
    db.session.commit()
    put(client, alice, size(shop, "41"), 1)
    put(client, alice, shop.duvet.variants[0], 1)
    with count_queries() as few:
        client.get(cart_url(), headers=alice)
    for n in range(6):
        category = make.category(shop.alpha, "apparel")
        product = make.product(shop.alpha, category, f"Shirt {n}")
        with_image(product)
        db.session.commit()
        put(client, alice, product.variants[0], 1)
    with count_queries() as many:
        body = client.get(cart_url(), headers=alice).get_json()
    assert len(body["lines"]) == 8
    assert body["lines"][-1]["product"]["image"]["url"].endswith(".png")
    assert many.count == few.count, many.statements


def test_carts_are_per_shopper_and_per_shop(client, shop, alice, bob):
    put(client, alice, size(shop, "41"), 2)
    assert client.get(cart_url(), headers=bob).get_json()["lines"] == []
    assert client.get(cart_url("beta"), headers=alice).get_json()["lines"] == []
    put(client, bob, size(shop, "41"), 1)
    client.delete(cart_url(), headers=bob)
    assert client.get(cart_url(), headers=alice).get_json()["count"] == 2
    client.delete(f"{cart_url()}/lines/{size(shop, '41').id}", headers=bob)
    assert client.get(cart_url(), headers=alice).get_json()["count"] == 2
    put(client, bob, shop.beta_quilt.variants[0], 1, merchant="beta")
    assert client.get(cart_url("beta"), headers=alice).get_json()["lines"] == []


@pytest.mark.parametrize(
    "method, path",
    [
        ("GET", "/cart"),
        ("DELETE", "/cart"),
        ("PUT", "/cart/lines/{variant}"),
        ("DELETE", "/cart/lines/{variant}"),
        ("POST", "/checkout"),
    ],
)
def test_only_a_shopper_token_opens_the_cart(client, shop, method, path):
    url = "/api/v1/shops/alpha" + path.format(variant=size(shop, "41").id)
    body = {"quantity": 1} if method == "PUT" else {"address": ADDRESS, "payment": "test"}
    json = body if method in ("PUT", "POST") else None
    assert client.open(url, method=method, json=json).status_code == 401
    key = merchant_key(shop.alpha, shop.alpha_owner)
    assert client.open(url, method=method, json=json, headers=key).status_code == 401


# -- checkout ---------------------------------------------------------------------------


def test_checkout_places_the_order_pays_and_empties_the_cart(client, shop, alice):
    put(client, alice, size(shop, "41"), 2)
    put(client, alice, shop.duvet.variants[0], 1)
    answer = checkout(client, alice, {"address": ADDRESS, "payment": "test", "note": "Ring twice"})
    assert answer.status_code == 201, answer.get_json()
    body = answer.get_json()
    [order] = orders()
    assert body["number"] == order.number
    assert body["status"] == "awaiting_shipment" and body["status_label"] == "Awaiting shipment"
    assert body["payment_error"] is None and body["actions"] == []
    assert body["total"]["amount_minor"] == 2 * 69900 + 59900
    assert [(line["sku"], line["quantity"]) for line in body["lines"]] == [
        (size(shop, "41").sku, 2),
        (shop.duvet.variants[0].sku, 1),
    ]
    assert body["phone"] == "+8613800138000"
    assert body["address"] == "88 Century Avenue, Shanghai, Shanghai, 200120"
    assert body["note"] == "Ring twice"
    assert [h["status"] for h in body["history"]] == ["pending_payment", "awaiting_shipment"]
    assert order.payment_method == "test" and order.user_id == shop.alice.id
    db.session.refresh(size(shop, "41"))
    assert size(shop, "41").stock == 3
    assert client.get(cart_url(), headers=alice).get_json()["lines"] == []
    [saved] = shop.alice.addresses  # kept for next time, as the page does
    assert (saved.line1, saved.phone) == ("88 Century Avenue", "+8613800138000")


def test_checkout_to_a_saved_address(client, shop, alice):
    db.session.add(Address(user_id=shop.alice.id, **{**ADDRESS, "phone": "+8613900139000"}))
    db.session.commit()
    [saved] = shop.alice.addresses
    put(client, alice, size(shop, "41"), 1)
    answer = checkout(client, alice, {"address_id": saved.id, "payment": "test"})
    assert answer.status_code == 201
    assert answer.get_json()["phone"] == "+8613900139000"
    assert len(shop.alice.addresses) == 1


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"phone": "12345"}, "address.phone", "Enter a valid mobile number"),
        ({"phone": ""}, "address.phone", "This field is required."),
        ({"city": ""}, "address.city", "This field is required."),
        ({"recipient": "   "}, "address.recipient", "This field is required."),
        ({"line1": "x" * 300}, "address.line1", "Field cannot be longer than 255 characters."),
        ({"country": "CN"}, "address.country", "This field is not known."),
    ],
    ids=["bad-phone", "no-phone", "no-city", "blank-recipient", "long", "unknown"],
)
def test_checkout_refuses_a_bad_address_by_field(client, shop, alice, changes, field, message):
    put(client, alice, size(shop, "41"), 1)
    answer = checkout(client, alice, {"address": {**ADDRESS, **changes}, "payment": "test"})
    assert answer.status_code == 400
    assert error(answer)["field"] == field
    assert message in error(answer)["message"]
    assert orders() == []
    assert client.get(cart_url(), headers=alice).get_json()["count"] == 1


def test_a_bad_phone_is_refused_in_chinese_too(client, shop, alice):
    put(client, alice, size(shop, "41"), 1)
    body = {"address": {**ADDRESS, "phone": "12345"}, "payment": "test"}
    chinese = error(checkout(client, alice, body, extra=ZH))
    english = error(checkout(client, alice, body))
    assert chinese["field"] == english["field"] == "address.phone"
    assert chinese["message"] != english["message"]


def test_checkout_address_rules(client, shop, alice, bob):
    put(client, alice, size(shop, "41"), 1)
    db.session.add(Address(user_id=shop.bob.id, **{**ADDRESS, "phone": "+8613900139000"}))
    db.session.commit()
    bobs = shop.bob.addresses[0].id
    cases = [
        ({"payment": "test"}, "address"),
        ({"address_id": bobs, "payment": "test"}, "address_id"),
        ({"address_id": 999999, "payment": "test"}, "address_id"),
        ({"address": ADDRESS, "address_id": bobs, "payment": "test"}, "address_id"),
        ({"address": ADDRESS, "payment": "free-money"}, "payment"),
        ({"address": ADDRESS}, "payment"),
        ({"address": ADDRESS, "payment": "test", "note": "x" * 501}, "note"),
    ]
    for body, field in cases:
        answer = checkout(client, alice, body)
        assert answer.status_code == 400, body
        assert error(answer)["field"] == field, (body, error(answer))
    assert orders() == []


def test_an_empty_cart_is_a_409(client, shop, alice):
    answer = checkout(client, alice)
    assert answer.status_code == 409
    assert error(answer)["code"] == "cart_empty"
    assert error(answer)["message"] == "Your cart is empty."


def test_stock_gone_before_checkout_places_nothing(client, shop, alice):
    put(client, alice, size(shop, "42"), 1)
    put(client, alice, size(shop, "41"), 2)
    size(shop, "41").stock = 1
    db.session.commit()
    answer = checkout(client, alice)
    assert answer.status_code == 409
    assert error(answer) == {
        "code": "order_refused",
        "message": "Sorry, Leather Sneaker (41 / White) sold out.",
        "field": None,
    }
    assert orders() == []
    db.session.expire_all()
    assert size(shop, "42").stock == 5 and size(shop, "41").stock == 1
    assert client.get(cart_url(), headers=alice).get_json()["count"] == 3  # still there


def test_the_cart_of_one_shop_is_not_checked_out_in_another(client, shop, alice, bob):
    put(client, alice, size(shop, "41"), 1)
    assert error(checkout(client, alice, merchant="beta"))["code"] == "cart_empty"
    assert error(checkout(client, bob))["code"] == "cart_empty"
    assert orders() == []


def test_a_retry_with_the_same_key_gets_the_same_order(client, shop, alice):
    put(client, alice, size(shop, "41"), 2)
    first = checkout(client, alice, key="checkout-1")
    again = checkout(client, alice, key="checkout-1")
    assert first.status_code == again.status_code == 201
    assert again.headers.get("Idempotent-Replayed") == "true"
    assert again.get_json()["number"] == first.get_json()["number"]
    assert len(orders()) == 1
    other_body = checkout(client, alice, {"address": ADDRESS, "payment": "x"}, key="checkout-1")
    assert other_body.status_code == 422
    db.session.refresh(size(shop, "41"))
    assert size(shop, "41").stock == 3


def test_a_lost_answer_still_places_one_order(client, shop, alice):
    """The process died after the commit: no stored answer, but the order has the key's token."""
    put(client, alice, size(shop, "41"), 1)
    first = checkout(client, alice, key="lost-answer")
    db.session.execute(delete(IdempotentAnswer))
    db.session.commit()
    put(client, alice, size(shop, "42"), 1)  # even with something new in the cart
    retry = checkout(client, alice, key="lost-answer")
    assert retry.status_code == 201 and "Idempotent-Replayed" not in retry.headers
    assert retry.get_json()["number"] == first.get_json()["number"]
    assert len(orders()) == 1
    assert orders()[0].checkout_token.startswith("api-")
    assert client.get(cart_url(), headers=alice).get_json()["lines"] == []


def test_the_same_key_in_two_shops_places_two_orders(client, shop, alice):
    put(client, alice, size(shop, "41"), 1)
    put(client, alice, shop.beta_quilt.variants[0], 1, merchant="beta")
    assert checkout(client, alice, key="same-key").status_code == 201
    db.session.execute(delete(IdempotentAnswer))  # a day later: the answer is gone
    db.session.commit()
    assert checkout(client, alice, key="same-key", merchant="beta").status_code == 201
    assert len(orders()) == 2


def test_two_parallel_checkouts_with_one_key_place_one_order(app, shop, alice):
    put(app.test_client(), alice, size(shop, "41"), 1)
    answers = []

    def attempt():
        with app.app_context():
            answers.append(checkout(app.test_client(), alice, key="parallel"))
            db.session.remove()

    threads = [threading.Thread(target=attempt) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    statuses = sorted(a.status_code for a in answers)
    assert statuses in ([201, 201], [201, 409]), [a.get_json() for a in answers]
    db.session.expire_all()
    assert len(orders()) == 1
    numbers = {a.get_json()["number"] for a in answers if a.status_code == 201}
    assert len(numbers) == 1


def test_payment_methods_are_listed_in_the_callers_language(client, shop):
    english = client.get("/api/v1/shops/alpha/payment-methods").get_json()
    assert english["items"] == [{"code": "test", "label": "Test payment (no money moves)"}]
    chinese = client.get("/api/v1/shops/alpha/payment-methods", headers=ZH).get_json()
    assert chinese["items"][0]["label"] != english["items"][0]["label"]


class TestADeclinedPayment:
    @pytest.fixture
    def storefront_config(self):
        return with_test_plugins("core_declining_payment")

    def test_the_order_waits_for_payment_and_says_why(self, client, shop, alice):
        from tests.plugins_for_tests.core_declining_payment import DECLINED

        put(client, alice, size(shop, "41"), 1)
        answer = checkout(client, alice, {"address": ADDRESS, "payment": "card"})
        assert answer.status_code == 201
        body = answer.get_json()
        assert body["status"] == "pending_payment"
        assert body["payment_error"] == DECLINED
        assert body["actions"] == ["pay"]
        assert client.get(cart_url(), headers=alice).get_json()["lines"] == []
        paid = client.post(
            f"/api/v1/shops/alpha/orders/{body['number']}/payment",
            json={"payment": "card"},
            headers=alice,
        )
        assert paid.status_code == 409
        assert error(paid) == {"code": "payment_failed", "message": DECLINED, "field": "payment"}
        assert [o.status for o in orders()] == ["pending_payment"]
