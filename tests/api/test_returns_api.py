"""Returns through the API: eligibility per line, asking once, following, the shop's decisions.

Returns are off for shoes and on for bedding unless a test says otherwise, as on the pages.
"""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
import requests
from PIL import Image
from sqlalchemy import func, select

from storefront import Upload, Variant, db, utcnow
from storefront.models import OrderStatusChange
from storefront.plugin_settings import set_platform
from storefront.plugins.returns.models import ReturnRequest
from storefront.testing import Factory, bearer, merchant_key
from tests.live_server import at_once, storefront_serve

API = "/api/v1/shops/alpha"


@pytest.fixture
def storefront_plugins():
    return ["returns"]


@pytest.fixture
def shoes_off(shop, disable_plugin):
    disable_plugin("returns", shop.alpha, shop.shoes)
    return shop


def delivered(shop, *products, user=None, quantity=1):
    order = Factory().order(
        shop.alpha, user or shop.alice, products=products, status="completed", quantity=quantity
    )
    db.session.commit()
    return order


def line_of(order, product):
    return next(i for i in order.items if i.product_id == product.id)


def body(*lines, kind="return", reason="wrong_size", **extra):
    """A request body for (order line, quantity) pairs, or line dicts as given."""
    rows = [
        line if isinstance(line, dict) else {"order_item_id": line[0].id, "quantity": line[1]}
        for line in lines
    ]
    return {"kind": kind, "lines": [{"reason": reason, **row} for row in rows], **extra}


def ask(client, user, order, payload, **headers):
    return client.post(
        f"{API}/orders/{order.number}/returns", json=payload, headers={**bearer(user), **headers}
    )


def requests_count() -> int:
    return db.session.scalar(select(func.count(ReturnRequest.id)))


def error_of(answer):
    return answer.get_json()["error"]


def png() -> io.BytesIO:
    out = io.BytesIO()
    Image.new("RGB", (30, 30), (10, 120, 200)).save(out, format="PNG")
    out.seek(0)
    return out


def uploaded(client, user) -> str:
    answer = client.post(
        f"{API}/uploads",
        data={"file": (png(), "seam.png")},
        content_type="multipart/form-data",
        headers=bearer(user),
    )
    assert answer.status_code == 201, answer.get_json()
    return answer.get_json()["token"]


# -- eligibility ---------------------------------------------------------------------------


def test_eligibility_judges_each_line_in_its_own_category(client, shoes_off):
    shop = shoes_off
    order = delivered(shop, shop.duvet, shop.sneaker)
    answer = client.get(
        f"{API}/orders/{order.number}/returns/eligibility", headers=bearer(shop.alice)
    )
    assert answer.status_code == 200, answer.get_json()
    lines = {line["product_name"]: line for line in answer.get_json()["lines"]}
    duvet, sneaker = lines["Linen Duvet Cover"], lines["Leather Sneaker"]
    assert duvet["offered"] and duvet["can_return"] and duvet["returnable_quantity"] == 1
    assert (duvet["policy"]["return_days"], duvet["policy"]["hygiene_rule"]) == (30, True)
    assert duvet["policy"]["return_until"] is not None
    reasons = {r["code"]: r for r in duvet["policy"]["reasons"]}
    assert reasons["quality"]["needs_photo"] and not reasons["wrong_size"]["needs_photo"]
    assert [o["label"] for o in duvet["exchange_options"]]  # the other size
    assert not sneaker["offered"] and not sneaker["can_return"] and sneaker["policy"] is None
    assert sneaker["why_not"] == ["Leather Sneaker cannot be returned here."]


def test_eligibility_says_why_not_in_the_callers_language(client, shop):
    order = Factory().order(shop.alpha, shop.alice, shop.duvet, status="shipped")
    db.session.commit()
    url = f"{API}/orders/{order.number}/returns/eligibility"
    english = client.get(url, headers=bearer(shop.alice)).get_json()["lines"][0]
    assert english["why_not"] == ["The order has not been delivered yet."]
    chinese = client.get(url, headers={**bearer(shop.alice), "Accept-Language": "zh-CN"})
    assert chinese.get_json()["lines"][0]["why_not"] == ["订单尚未签收。"]


def test_an_order_of_lines_returns_are_off_for_has_no_eligibility(client, shoes_off):
    order = delivered(shoes_off, shoes_off.sneaker)
    url = f"{API}/orders/{order.number}/returns/eligibility"
    assert client.get(url, headers=bearer(shoes_off.alice)).status_code == 404
    assert ask(client, shoes_off.alice, order, body((order.items[0], 1))).status_code == 404


def test_only_the_buyer_reads_an_orders_eligibility(client, shop):
    order = delivered(shop, shop.duvet)
    url = f"{API}/orders/{order.number}/returns/eligibility"
    assert client.get(url).status_code == 401
    assert client.get(url, headers=merchant_key(shop.alpha, shop.alpha_owner)).status_code == 401
    assert client.get(url, headers=bearer(shop.bob)).status_code == 404
    beta = f"/api/v1/shops/beta/orders/{order.number}/returns/eligibility"
    assert client.get(beta, headers=bearer(shop.alice)).status_code == 404


# -- asking --------------------------------------------------------------------------------


def test_a_duvet_line_is_returned_and_a_sneaker_line_is_not(client, shoes_off):
    shop = shoes_off
    order = delivered(shop, shop.duvet, shop.sneaker)
    duvet, sneaker = line_of(order, shop.duvet), line_of(order, shop.sneaker)
    refused = ask(client, shop.alice, order, body((duvet, 1), (sneaker, 1)))
    assert refused.status_code == 404
    assert error_of(refused)["field"] == "lines.1.order_item_id"
    assert error_of(refused)["message"] == "Leather Sneaker cannot be returned here."
    assert requests_count() == 0
    answer = ask(client, shop.alice, order, body((duvet, 1), note="Too warm"))
    assert answer.status_code == 201, answer.get_json()
    created = answer.get_json()
    assert created["rma"].startswith("RMA-") and created["kind"] == "return"
    assert (created["status"], created["status_label"]) == ("requested", "Waiting for the shop")
    assert created["note"] == "Too warm" and created["refund"]["state"] == "pending"
    assert created["refund"]["value"]["amount_minor"] == 59900
    assert [s["action"] for s in created["next_steps"]] == ["wait", "cancel"]
    assert created["history"][0]["actor"] is None  # staff names are for staff
    assert requests_count() == 1


def test_returns_on_for_bedding_only(client, shop, enable_plugin):
    enable_plugin("returns", shop.alpha, enabled=False)
    enable_plugin("returns", shop.alpha, shop.bedding)
    order = delivered(shop, shop.duvet, shop.tee)
    tee = ask(client, shop.alice, order, body((line_of(order, shop.tee), 1)))
    assert tee.status_code == 404 and error_of(tee)["field"] == "lines.0.order_item_id"
    duvet = ask(client, shop.alice, order, body((line_of(order, shop.duvet), 1)))
    assert duvet.status_code == 201


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"kind": "refund"}, "kind"),
        ({"lines": []}, "lines"),
        (
            {"lines": [{"order_item_id": 1, "quantity": 0, "reason": "wrong_size"}]},
            "lines.0.quantity",
        ),
        ({"lines": [{"order_item_id": 1, "quantity": 1, "reason": "bored"}]}, "lines.0.reason"),
        ({"colour": "red"}, "colour"),
        ({"note": "x" * 2001}, "note"),
        ({"photos": ["a"] * 7}, "photos"),
    ],
)
def test_bad_bodies_name_the_field(client, shop, change, field):
    order = delivered(shop, shop.duvet)
    answer = ask(client, shop.alice, order, {**body((order.items[0], 1)), **change})
    assert answer.status_code == 400, answer.get_json()
    assert error_of(answer)["field"] == field
    assert requests_count() == 0


def test_what_the_policy_refuses_names_the_line(client, shop):
    order = delivered(shop, shop.duvet, quantity=1)
    item = order.items[0]
    cases = [
        (body((item, 2)), 400, "lines.0.quantity"),
        (body((item, 1), reason="quality"), 400, "photos"),
        (
            body({"order_item_id": item.id, "quantity": 1, "opened": True}, reason="changed_mind"),
            400,
            "lines.0.opened",
        ),
        (
            {
                "kind": "return",
                "lines": [
                    {"order_item_id": item.id, "quantity": 1, "reason": "wrong_size"},
                    {"order_item_id": item.id, "quantity": 1, "reason": "quality"},
                ],
            },
            400,
            "lines.1.reason",
        ),
        (body((item, 1), (item, 1)), 400, "lines.1.order_item_id"),
        (body({"order_item_id": 999999, "quantity": 1}), 404, "lines.0.order_item_id"),
        (
            body(
                {"order_item_id": item.id, "quantity": 1, "exchange_variant_id": item.variant_id},
                kind="exchange",
            ),
            400,
            "lines.0.exchange_variant_id",
        ),
    ]
    for payload, status, field in cases:
        answer = ask(client, shop.alice, order, payload)
        assert (answer.status_code, error_of(answer)["field"]) == (status, field), payload
    assert requests_count() == 0


def test_a_refusal_is_in_chinese_for_a_chinese_phone(client, shop):
    order = delivered(shop, shop.duvet)
    answer = ask(
        client,
        shop.alice,
        order,
        body((order.items[0], 1), reason="quality"),
        **{"Accept-Language": "zh-CN"},
    )
    assert error_of(answer)["message"] == "请至少上传一张能看出问题的照片。"


def test_what_is_no_longer_free_is_a_conflict(client, shop):
    order = delivered(shop, shop.duvet)
    assert ask(client, shop.alice, order, body((order.items[0], 1))).status_code == 201
    again = ask(client, shop.alice, order, body((order.items[0], 1)))
    assert again.status_code == 409 and error_of(again)["field"] == "lines.0.quantity"
    assert error_of(again)["message"] == "Linen Duvet Cover has already been returned."
    late = delivered(shop, shop.duvet)
    change = db.session.scalar(
        select(OrderStatusChange).where(
            OrderStatusChange.order_id == late.id, OrderStatusChange.new_status == "completed"
        )
    )
    change.created_at = utcnow() - timedelta(days=40)
    db.session.commit()
    over = ask(client, shop.alice, late, body((late.items[0], 1)))
    assert over.status_code == 409 and "window is over" in error_of(over)["message"]
    assert requests_count() == 1


def test_a_retry_with_the_same_key_makes_one_request(client, shop):
    order = delivered(shop, shop.duvet)
    payload = body((order.items[0], 1))
    first = ask(client, shop.alice, order, payload, **{"Idempotency-Key": "ret-1"})
    again = ask(client, shop.alice, order, payload, **{"Idempotency-Key": "ret-1"})
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.get_json()["rma"] == first.get_json()["rma"]
    other = ask(client, shop.alice, order, {**payload, "note": "x"}, **{"Idempotency-Key": "ret-1"})
    assert other.status_code == 422
    assert requests_count() == 1


def test_photos_are_claimed_and_only_the_shoppers_own(client, shop):
    order = delivered(shop, shop.duvet)
    bobs = uploaded(client, shop.bob)
    payload = body((order.items[0], 1), reason="quality", photos=[bobs])
    refused = ask(client, shop.alice, order, payload)
    assert refused.status_code == 400 and error_of(refused)["field"] == "photos"
    assert requests_count() == 0
    token = uploaded(client, shop.alice)
    answer = ask(client, shop.alice, order, {**payload, "photos": [token]})
    assert answer.status_code == 201, answer.get_json()
    created = answer.get_json()
    assert len(created["photos"]) == 1 and token in created["photos"][0]["url"]
    assert created["ship_back"]["shipping_paid_by"] == "shop"
    assert db.session.scalar(select(Upload.purpose).where(Upload.token == token)) == "return"
    second = delivered(shop, shop.duvet)
    payload = body((second.items[0], 1), reason="quality", photos=[token])
    reused = ask(client, shop.alice, second, payload)
    assert reused.status_code == 400 and error_of(reused)["field"] == "photos"


def test_a_size_exchange_is_approved_at_once_and_sent_back(client, shop):
    order = delivered(shop, shop.sneaker)
    item = order.items[0]
    other = next(v for v in shop.sneaker.variants if v.id != item.variant_id)
    stock = other.stock
    line = {"order_item_id": item.id, "quantity": 1, "exchange_variant_id": other.id}
    answer = ask(client, shop.alice, order, body(line, kind="exchange"))
    assert answer.status_code == 201, answer.get_json()
    created = answer.get_json()
    assert created["status"] == "approved" and created["kind"] == "exchange"
    assert created["lines"][0]["exchange_for"]["variant_id"] == other.id
    assert db.session.get(Variant, other.id).stock == stock - 1
    step = next(s for s in created["next_steps"] if s["action"] == "ship_back")
    assert created["rma"] in step["text"] and step["path"].endswith("/ship-back")
    assert created["ship_back"]["address"] == "Alpha Home"
    sent = client.post(
        step["path"], json={"carrier": "SF", "tracking_number": "SF123"}, headers=bearer(shop.alice)
    )
    assert sent.status_code == 200, sent.get_json()
    assert sent.get_json()["status"] == "shipped_back"
    assert sent.get_json()["ship_back"]["tracking_number"] == "SF123"
    twice = client.post(
        step["path"], json={"carrier": "SF", "tracking_number": "SF123"}, headers=bearer(shop.alice)
    )
    assert twice.status_code == 409 and error_of(twice)["field"] == "status"
    blank = client.post(step["path"], json={"carrier": ""}, headers=bearer(shop.alice))
    assert blank.status_code == 400 and error_of(blank)["field"] == "carrier"


# -- following -----------------------------------------------------------------------------


@pytest.fixture
def filed(client, shop):
    """Alice's sneaker return, approved by the shop through the API."""
    order = delivered(shop, shop.sneaker)
    rma = ask(client, shop.alice, order, body((order.items[0], 1))).get_json()["rma"]
    approved = client.post(
        f"{API}/admin/returns/{rma}/approve",
        json={"note": "Send it"},
        headers=merchant_key(shop.alpha, shop.alpha_owner),
    )
    assert approved.status_code == 200, approved.get_json()
    return rma


def test_my_returns_are_mine_newest_first_and_paged(client, shop, filed):
    second = delivered(shop, shop.duvet)
    newest = ask(client, shop.alice, second, body((second.items[0], 1))).get_json()["rma"]
    first = client.get(f"{API}/returns?limit=1", headers=bearer(shop.alice)).get_json()
    assert [r["rma"] for r in first["items"]] == [newest] and first["next_cursor"]
    rest = client.get(
        f"{API}/returns?limit=1&cursor={first['next_cursor']}", headers=bearer(shop.alice)
    ).get_json()
    assert [r["rma"] for r in rest["items"]] == [filed] and rest["next_cursor"] is None
    assert client.get(f"{API}/returns", headers=bearer(shop.bob)).get_json()["items"] == []
    assert client.get("/api/v1/shops/beta/returns", headers=bearer(shop.alice)).get_json() == {
        "items": [],
        "next_cursor": None,
    }
    assert client.get(f"{API}/returns").status_code == 401


def test_a_request_shows_what_to_do_next(client, shop, filed):
    answer = client.get(f"{API}/returns/{filed}", headers=bearer(shop.alice))
    assert answer.status_code == 200
    found = answer.get_json()
    assert found["status_label"] == "Approved: send it back" and found["offered"]
    assert [s["action"] for s in found["next_steps"]] == ["ship_back", "cancel"]
    assert [e["status"] for e in found["history"]] == ["approved", "requested"]
    assert found["history"][0]["note"] == "Send it"
    assert found["ship_back"]["instructions"] == f"Write {filed} on the parcel and send it to:"
    zh = client.get(
        f"{API}/returns/{filed}", headers={**bearer(shop.alice), "Accept-Language": "zh-CN"}
    ).get_json()
    assert zh["status_label"] != "Approved: send it back"


def test_someone_elses_request_is_not_found(client, shop, filed):
    assert client.get(f"{API}/returns/{filed}", headers=bearer(shop.bob)).status_code == 404
    cancel = client.post(f"{API}/returns/{filed}/cancel", headers=bearer(shop.bob))
    assert cancel.status_code == 404
    beta = client.get(f"/api/v1/shops/beta/returns/{filed}", headers=bearer(shop.alice))
    assert beta.status_code == 404


def switch_off(how, shop, disable_plugin):
    if how == "shoes":
        disable_plugin("returns", shop.alpha, shop.shoes)
    elif how == "shop":
        disable_plugin("returns", shop.alpha)
    else:
        set_platform("returns", available=False, enabled=None, actor=None)
        db.session.commit()


@pytest.mark.parametrize("how", ["shoes", "shop", "hidden"])
def test_a_filed_request_stays_readable_without_its_steps(how, client, shop, filed, disable_plugin):
    switch_off(how, shop, disable_plugin)
    answer = client.get(f"{API}/returns/{filed}", headers=bearer(shop.alice))
    assert answer.status_code == 200
    found = answer.get_json()
    assert found["status"] == "approved" and not found["offered"]
    assert found["next_steps"] == []
    listing = client.get(f"{API}/returns", headers=bearer(shop.alice)).get_json()
    assert [r["rma"] for r in listing["items"]] == [filed]
    sent = client.post(
        f"{API}/returns/{filed}/ship-back",
        json={"carrier": "SF", "tracking_number": "SF1"},
        headers=bearer(shop.alice),
    )
    assert sent.status_code == 404
    assert (
        client.post(f"{API}/returns/{filed}/cancel", headers=bearer(shop.alice)).status_code == 404
    )
    assert db.session.scalar(select(ReturnRequest.status)) == "approved"
    assert client.get(f"{API}/returns/{filed}", headers=bearer(shop.bob)).status_code == 404


def test_a_shopper_cancels_before_sending(client, shop, filed):
    answer = client.post(f"{API}/returns/{filed}/cancel", headers=bearer(shop.alice))
    assert answer.status_code == 200 and answer.get_json()["status"] == "cancelled"
    assert answer.get_json()["refund"]["state"] == "none"
    again = client.post(f"{API}/returns/{filed}/cancel", headers=bearer(shop.alice))
    assert again.status_code == 409 and error_of(again)["field"] == "status"


# -- the shop's decisions ------------------------------------------------------------------


def staff(client, method, path, key, **kwargs):
    return getattr(client, method)(f"{API}/admin/returns{path}", headers=key, **kwargs)


def test_the_whole_refund_through_the_api(client, shop, filed):
    key = merchant_key(shop.alpha, shop.alpha_owner)
    early = staff(client, "post", f"/{filed}/refund", key, json={})
    assert early.status_code == 409 and error_of(early)["field"] == "status"
    assert error_of(early)["code"] == "illegal_transition"
    received = staff(client, "post", f"/{filed}/receive", key, json={})
    assert received.status_code == 200
    assert [s["action"] for s in received.get_json()["next_steps"]] == ["refund"]
    too_much = staff(client, "post", f"/{filed}/refund", key, json={"amount_minor": 70000})
    assert too_much.status_code == 400 and error_of(too_much)["field"] == "amount_minor"
    done = staff(client, "post", f"/{filed}/refund", key, json={"amount_minor": 60000})
    assert done.status_code == 200, done.get_json()
    refund = done.get_json()["refund"]
    assert (refund["state"], refund["amount"]["amount_minor"]) == ("refunded", 60000)
    assert done.get_json()["history"][0]["actor"] == "Alpha Owner"
    assert done.get_json()["next_steps"] == []
    alice = client.get(f"{API}/returns/{filed}", headers=bearer(shop.alice)).get_json()
    assert alice["status_label"] == "Refunded" and alice["next_steps"] == []


def test_a_refund_without_an_amount_is_the_items_value(client, shop, filed):
    key = merchant_key(shop.alpha, shop.alpha_owner)
    staff(client, "post", f"/{filed}/receive", key)
    done = staff(client, "post", f"/{filed}/refund", key)
    assert done.status_code == 200, done.get_json()
    assert done.get_json()["refund"]["amount"]["amount_minor"] == 69900


def test_a_decline_needs_a_reason_the_shopper_reads(client, shop):
    order = delivered(shop, shop.duvet)
    rma = ask(client, shop.alice, order, body((order.items[0], 1))).get_json()["rma"]
    key = merchant_key(shop.alpha, shop.alpha_owner)
    blank = staff(client, "post", f"/{rma}/decline", key, json={"reason": "   "})
    assert blank.status_code == 400 and error_of(blank)["field"] == "reason"
    missing = staff(client, "post", f"/{rma}/decline", key, json={})
    assert missing.status_code == 400 and error_of(missing)["field"] == "reason"
    zh = staff(
        client,
        "post",
        f"/{rma}/decline",
        {**key, "Accept-Language": "zh-CN"},
        json={"reason": " "},
    )
    assert error_of(zh)["message"] == "请说明拒绝原因，顾客会看到。"
    declined = staff(client, "post", f"/{rma}/decline", key, json={"reason": "Used"})
    assert declined.status_code == 200 and declined.get_json()["status"] == "rejected"
    seen = client.get(f"{API}/returns/{rma}", headers=bearer(shop.alice)).get_json()
    assert seen["history"][0]["note"] == "Used" and seen["refund"]["state"] == "none"


def test_the_queue_filters_and_pages(client, shop, filed):
    key = merchant_key(shop.alpha, shop.alpha_owner)
    orders = [delivered(shop, shop.duvet) for _ in range(2)]
    rmas = [ask(client, shop.alice, o, body((o.items[0], 1))).get_json()["rma"] for o in orders]
    first = staff(client, "get", "?limit=2", key).get_json()
    assert [r["rma"] for r in first["items"]] == [filed, rmas[0]]  # open: oldest first
    assert first["items"][0]["shopper_name"] == "Alice"
    rest = staff(client, "get", f"?limit=2&cursor={first['next_cursor']}", key).get_json()
    assert [r["rma"] for r in rest["items"]] == [rmas[1]] and rest["next_cursor"] is None
    waiting = staff(client, "get", "?status=requested", key).get_json()["items"]
    assert [r["rma"] for r in waiting] == [rmas[1], rmas[0]]  # one status: newest first
    assert staff(client, "get", "?status=refunded", key).get_json()["items"] == []
    found = staff(client, "get", f"?status=all&q={orders[0].number}", key).get_json()["items"]
    assert [r["rma"] for r in found] == [rmas[0]]
    bad = staff(client, "get", "?status=lost", key)
    assert bad.status_code == 400 and error_of(bad)["field"] == "status"


def test_staff_endpoints_are_the_shops_own(client, shop, filed):
    beta_key = merchant_key(shop.beta, shop.beta_owner)
    assert client.get(f"{API}/admin/returns", headers=beta_key).status_code == 404
    beta_url = f"/api/v1/shops/beta/admin/returns/{filed}"
    assert client.get(beta_url, headers=beta_key).status_code == 404
    assert client.post(f"{beta_url}/receive", headers=beta_key).status_code == 404
    assert (
        client.get("/api/v1/shops/beta/admin/returns", headers=beta_key).get_json()["items"] == []
    )
    reader = merchant_key(shop.alpha, shop.alpha_owner, scopes=["orders:read"])
    scoped = client.post(f"{API}/admin/returns/{filed}/receive", headers=reader)
    assert scoped.status_code == 403 and error_of(scoped)["code"] == "scope_missing"
    assert client.get(f"{API}/admin/returns", headers=bearer(shop.alice)).status_code == 401
    assert client.get(f"{API}/admin/returns").status_code == 401
    key = merchant_key(shop.alpha, shop.alpha_owner)
    assert client.get(f"{API}/admin/returns/RMA-NOPE", headers=key).status_code == 404
    detail = client.get(f"{API}/admin/returns/{filed}", headers=key).get_json()
    assert [s["action"] for s in detail["next_steps"]] == ["receive"]


def test_staff_decide_requests_of_lines_returns_are_now_off_for(
    client, shop, filed, disable_plugin
):
    """Switched off for shoes, the shop still finishes the sneaker return it approved."""
    disable_plugin("returns", shop.alpha, shop.shoes)
    key = merchant_key(shop.alpha, shop.alpha_owner)
    assert staff(client, "post", f"/{filed}/receive", key).status_code == 200


# -- requests sent together ----------------------------------------------------------------


@pytest.fixture
def live(app, storefront_database_url, tmp_path):
    with storefront_serve(storefront_database_url, tmp_path / "live") as base:
        yield base


def post_together(base: str, path: str, payload: dict, headers: list[dict]):
    return at_once(
        [
            lambda h=h: requests.post(base + path, json=payload, headers=h, timeout=30)
            for h in headers
        ]
    )


@pytest.mark.parametrize("storefront_plugins", [None])  # the server loads every plugin
def test_identical_requests_sent_together_make_one_return(shop, live):
    order = delivered(shop, shop.duvet)
    path = f"{API}/orders/{order.number}/returns"
    payload = body((order.items[0], 1))
    token = bearer(shop.alice)
    same_key = [{**token, "Idempotency-Key": "together"}] * 4
    codes = sorted(a.status_code for a in post_together(live, path, payload, same_key))
    assert codes.count(201) >= 1 and set(codes) <= {201, 409}, codes
    assert requests_count() == 1
    again = delivered(shop, shop.duvet)
    path = f"{API}/orders/{again.number}/returns"
    answers = post_together(live, path, body((again.items[0], 1)), [token] * 4)
    codes = sorted(a.status_code for a in answers)
    assert codes == [201, 409, 409, 409], codes
    refused = next(a for a in answers if a.status_code == 409).json()["error"]
    assert refused["field"] == "lines.0.quantity"
    assert requests_count() == 2


def test_the_spec_lists_the_returns_endpoints(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert "post" in paths["/api/v1/shops/{merchant}/orders/{number}/returns"]
    assert "post" in paths["/api/v1/shops/{merchant}/admin/returns/{rma}/refund"]
