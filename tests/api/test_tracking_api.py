"""Tracking through the API: the shopper's parcels, shipping an order, events, the shop's list.

Tracking is on shop-wide and the tests switch it off for shoes where they need, as the
pages' scope tests do.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from flask import current_app
from sqlalchemy import func, select

from storefront import Order, db, utcnow
from storefront.plugin_settings import set_platform
from storefront.plugins.tracking.carriers import TrackingUpdate
from storefront.plugins.tracking.models import Shipment
from storefront.plugins.tracking.shipping import create_shipment, record_event
from storefront.testing import Factory, bearer, merchant_key

API = "/api/v1/shops/alpha"
SCANNED = datetime(2026, 11, 20, 9, tzinfo=UTC)


@pytest.fixture
def storefront_plugins():
    return ["tracking"]


@pytest.fixture
def tracked(shop, enable_plugin):
    enable_plugin("tracking", shop.alpha)
    return shop


@pytest.fixture
def key(tracked):
    return merchant_key(tracked.alpha, tracked.alpha_owner)


def order_of(shop, *products, user=None, status="awaiting_shipment"):
    order = Factory().order(shop.alpha, user or shop.alice, products=products, status=status)
    db.session.commit()
    return order


def line_of(order, product):
    return next(item for item in order.items if item.product_id == product.id)


def parcel_for(order, product, number: str, carrier: str = "manual") -> Shipment:
    parcel = create_shipment(order, carrier, number, {line_of(order, product).id: 1}, None)
    db.session.commit()
    return parcel


def event(parcel: Shipment, status: str, minutes: int, **extra) -> None:
    update = TrackingUpdate(
        f"{parcel.tracking_number}-{minutes}",
        status,
        SCANNED + timedelta(minutes=minutes),
        **extra,
    )
    with current_app.test_request_context("/"):  # the shopper's notice links to the order
        record_event(parcel, update)
    db.session.commit()


def parcels_seen(client, user, order, **headers):
    return client.get(f"{API}/orders/{order.number}/shipments", headers={**bearer(user), **headers})


def shipments_count() -> int:
    return db.session.scalar(select(func.count(Shipment.id)))


def error_of(answer):
    return answer.get_json()["error"]


# -- the shopper ---------------------------------------------------------------------------


def test_the_shopper_sees_each_parcel_with_its_timeline(client, tracked):
    order = order_of(tracked, tracked.duvet, tracked.sneaker)
    parcel = parcel_for(order, tracked.duvet, "SF123456789012", carrier="sf")
    event(parcel, "in_transit", 10, location="Shanghai", message="Left the depot")
    event(parcel, "out_for_delivery", 90, eta=SCANNED + timedelta(days=1))
    event(parcel, "info_received", 1)  # a late scan from before: in the timeline only
    answer = parcels_seen(client, tracked.alice, order)
    assert answer.status_code == 200, answer.get_json()
    (seen,) = answer.get_json()["items"]
    assert seen["carrier"]["name"] == "SF Express"
    assert seen["carrier"]["tracking_url"].endswith("SF123456789012")
    assert (seen["status"], seen["status_label"]) == ("out_for_delivery", "Out for delivery")
    assert seen["eta"].startswith("2026-11-21") and seen["order_status"] == "shipped"
    assert [e["status"] for e in seen["events"]] == [
        "out_for_delivery",
        "in_transit",
        "info_received",
    ]
    assert seen["events"][1]["location"] == "Shanghai"
    assert seen["events"][1]["description"] == "Left the depot"
    assert [line["product_name"] for line in seen["lines"]] == ["Linen Duvet Cover"]
    assert seen["delayed"] is True  # its expected day is long past
    assert seen["exception"] is False


def test_a_problem_is_flagged_and_labelled_in_chinese(client, tracked):
    order = order_of(tracked, tracked.duvet)
    event(parcel_for(order, tracked.duvet, "DUVET-1"), "exception", 5)
    answer = parcels_seen(client, tracked.alice, order, **{"Accept-Language": "zh-CN"})
    (seen,) = answer.get_json()["items"]
    assert seen["exception"] is True and seen["status_label"] == "包裹异常"


def test_only_parcels_of_lines_tracking_serves_are_shown(client, tracked, disable_plugin):
    order = order_of(tracked, tracked.duvet, tracked.sneaker)
    parcel_for(order, tracked.duvet, "DUVET-1")
    parcel_for(order, tracked.sneaker, "SNEAKER-1")
    disable_plugin("tracking", tracked.alpha, tracked.shoes)
    seen = parcels_seen(client, tracked.alice, order).get_json()["items"]
    assert [p["tracking_number"] for p in seen] == ["DUVET-1"]
    sneakers = order_of(tracked, tracked.sneaker)
    assert parcels_seen(client, tracked.alice, sneakers).status_code == 404


def test_tracking_on_for_bedding_only(client, shop, enable_plugin):
    enable_plugin("tracking", shop.alpha, enabled=False)
    enable_plugin("tracking", shop.alpha, shop.bedding)
    order = order_of(shop, shop.duvet, shop.tee)
    key = merchant_key(shop.alpha, shop.alpha_owner)
    answer = client.post(
        f"{API}/admin/orders/{order.number}/shipments",
        json={"carrier": "manual", "tracking_number": "PARCEL-1"},
        headers=key,
    )
    assert answer.status_code == 201, answer.get_json()
    assert [line["product_name"] for line in answer.get_json()["lines"]] == ["Linen Duvet Cover"]
    seen = parcels_seen(client, shop.alice, order).get_json()["items"]
    assert [p["tracking_number"] for p in seen] == ["PARCEL-1"]
    tees = order_of(shop, shop.tee)
    assert parcels_seen(client, shop.alice, tees).status_code == 404


def test_an_order_without_parcels_has_an_empty_timeline(client, tracked):
    order = order_of(tracked, tracked.duvet)
    answer = parcels_seen(client, tracked.alice, order)
    assert answer.get_json() == {"order_number": order.number, "items": []}


def test_only_the_buyer_sees_the_parcels(client, tracked, key):
    order = order_of(tracked, tracked.duvet)
    parcel_for(order, tracked.duvet, "DUVET-1")
    url = f"{API}/orders/{order.number}/shipments"
    assert client.get(url).status_code == 401
    assert client.get(url, headers=key).status_code == 401
    assert parcels_seen(client, tracked.bob, order).status_code == 404
    beta = f"/api/v1/shops/beta/orders/{order.number}/shipments"
    assert client.get(beta, headers=bearer(tracked.alice)).status_code == 404


@pytest.mark.parametrize("how", ["shop", "hidden"])
def test_switched_off_the_timeline_is_gone(client, tracked, disable_plugin, how):
    order = order_of(tracked, tracked.duvet)
    parcel_for(order, tracked.duvet, "DUVET-1")
    if how == "shop":
        disable_plugin("tracking", tracked.alpha)
    else:
        set_platform("tracking", available=False, enabled=None, actor=None)
        db.session.commit()
    assert parcels_seen(client, tracked.alice, order).status_code == 404


# -- shipping ------------------------------------------------------------------------------


def ship(client, key, order, **payload):
    return client.post(
        f"{API}/admin/orders/{order.number}/shipments",
        json={"carrier": "manual", "tracking_number": "PARCEL-1", **payload},
        headers=key,
    )


def test_shipping_with_a_parcel_ships_the_order(client, tracked, key):
    order = order_of(tracked, tracked.duvet, tracked.tee)
    eta = (utcnow() + timedelta(days=3)).replace(microsecond=0)
    duvet = line_of(order, tracked.duvet)
    answer = ship(
        client, key, order, lines=[{"order_item_id": duvet.id, "quantity": 1}], eta=eta.isoformat()
    )
    assert answer.status_code == 201, answer.get_json()
    parcel = answer.get_json()
    assert parcel["order_status"] == "shipped" and parcel["status"] == "info_received"
    assert [line["order_item_id"] for line in parcel["lines"]] == [duvet.id]
    assert datetime.fromisoformat(parcel["eta"]) == eta and not parcel["delayed"]
    assert db.session.get(Order, order.id).status == "shipped"
    assert order.history[-1].actor_label == "Alpha Owner"
    second = ship(client, key, order, tracking_number="PARCEL-2")
    assert second.status_code == 201
    assert {line["product_name"] for line in second.get_json()["lines"]} == {
        "Linen Duvet Cover",
        "Cotton Tee",
    }


def test_a_parcel_naming_a_line_tracking_is_off_for_is_refused(
    client, tracked, key, disable_plugin
):
    disable_plugin("tracking", tracked.alpha, tracked.shoes)
    order = order_of(tracked, tracked.duvet, tracked.sneaker)
    sneaker = line_of(order, tracked.sneaker)
    refused = ship(client, key, order, lines=[{"order_item_id": sneaker.id, "quantity": 1}])
    assert refused.status_code == 400 and error_of(refused)["field"] == "lines"
    assert "shipment tracking is off for it" in error_of(refused)["message"]
    assert shipments_count() == 0 and db.session.get(Order, order.id).status == "awaiting_shipment"
    whole = ship(client, key, order)
    assert [line["product_name"] for line in whole.get_json()["lines"]] == ["Linen Duvet Cover"]
    sneakers = order_of(tracked, tracked.sneaker)
    assert ship(client, key, sneakers, tracking_number="PARCEL-9").status_code == 404


@pytest.mark.parametrize(
    ("payload", "status", "field"),
    [
        ({"carrier": "dhl"}, 400, "carrier"),
        ({"carrier": "sf", "tracking_number": "12345"}, 400, "tracking_number"),
        ({"tracking_number": ""}, 400, "tracking_number"),
        ({"lines": []}, 400, "lines"),
        ({"lines": [{"order_item_id": 1, "quantity": 0}]}, 400, "lines.0.quantity"),
        ({"lines": [{"order_item_id": 999999, "quantity": 1}]}, 400, "lines"),
        ({"eta": "1990-01-01T00:00:00"}, 400, "eta"),
        ({"eta": "soon"}, 400, "eta"),
        ({"weight": 3}, 400, "weight"),
    ],
)
def test_bad_parcels_name_the_field(client, tracked, key, payload, status, field):
    order = order_of(tracked, tracked.duvet)
    answer = ship(client, key, order, **payload)
    assert (answer.status_code, error_of(answer)["field"]) == (status, field), answer.get_json()
    assert shipments_count() == 0


def test_a_line_listed_twice_and_a_number_used_twice_are_refused(client, tracked, key):
    order = order_of(tracked, tracked.duvet)
    line = {"order_item_id": order.items[0].id, "quantity": 1}
    twice = ship(client, key, order, lines=[line, line])
    assert twice.status_code == 400 and error_of(twice)["field"] == "lines.1.order_item_id"
    assert ship(client, key, order).status_code == 201
    again = ship(client, key, order_of(tracked, tracked.duvet))
    assert again.status_code == 400 and error_of(again)["field"] == "tracking_number"
    assert shipments_count() == 1


def test_a_refusal_speaks_chinese(client, tracked, key):
    order = order_of(tracked, tracked.duvet)
    answer = ship(
        client, {**key, "Accept-Language": "zh-CN"}, order, carrier="sf", tracking_number="12345"
    )
    assert error_of(answer)["message"] == "这不是顺丰速运的运单号。"


def test_an_unpaid_or_cancelled_order_cannot_ship(client, tracked, key):
    for status in ("pending_payment", "cancelled"):
        order = order_of(tracked, tracked.duvet, status=status)
        answer = ship(client, key, order, tracking_number=f"PARCEL-{status[:4]}")
        assert answer.status_code == 409 and error_of(answer)["field"] == "status"
    assert shipments_count() == 0


def test_a_retried_shipment_is_made_once(client, tracked, key):
    order = order_of(tracked, tracked.duvet)
    headers = {**key, "Idempotency-Key": "ship-1"}
    url = f"{API}/admin/orders/{order.number}/shipments"
    payload = {"carrier": "manual", "tracking_number": "PARCEL-1"}
    first = client.post(url, json=payload, headers=headers)
    again = client.post(url, json=payload, headers=headers)
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.headers["Idempotent-Replayed"] == "true"
    assert shipments_count() == 1


def test_shipping_is_the_shops_own(client, tracked, key):
    order = order_of(tracked, tracked.duvet)
    beta = merchant_key(tracked.beta, tracked.beta_owner)
    assert ship(client, beta, order).status_code == 404
    beta_url = f"/api/v1/shops/beta/admin/orders/{order.number}/shipments"
    answer = client.post(
        beta_url, json={"carrier": "manual", "tracking_number": "X-123"}, headers=beta
    )
    assert answer.status_code == 404
    reader = merchant_key(tracked.alpha, tracked.alpha_owner, scopes=["orders:read"])
    assert ship(client, reader, order).status_code == 403
    assert ship(client, bearer(tracked.alice), order).status_code == 401
    assert ship(client, key, order, tracking_number="X-123").status_code == 201
    assert shipments_count() == 1


# -- events by hand ------------------------------------------------------------------------


def add_event(client, key, parcel_id, **payload):
    return client.post(
        f"{API}/admin/shipments/{parcel_id}/events",
        json={"status": "in_transit", "description": "Picked up", **payload},
        headers=key,
    )


def test_an_event_by_hand_moves_the_parcel(client, tracked, key):
    order = order_of(tracked, tracked.duvet)
    parcel = parcel_for(order, tracked.duvet, "DUVET-1")
    answer = add_event(client, key, parcel.id, location="Counter", occurred_at="2026-11-20T10:00")
    assert answer.status_code == 201, answer.get_json()
    seen = answer.get_json()
    assert seen["status"] == "in_transit" and seen["last_event_at"].startswith("2026-11-20T10:00")
    assert seen["events"][0] == {
        "status": "in_transit",
        "label": "In transit",
        "occurred_at": "2026-11-20T10:00:00Z",
        "location": "Counter",
        "description": "Picked up",
        "source": "manual",
    }
    delivered = add_event(client, key, parcel.id, status="delivered", description="Signed")
    assert delivered.get_json()["status"] == "delivered"
    assert delivered.get_json()["order_status"] == "completed"
    later = add_event(client, key, parcel.id, status="exception", description="Lost?")
    assert later.get_json()["status"] == "delivered"  # delivered is final
    shopper = parcels_seen(client, tracked.alice, order).get_json()["items"][0]
    assert [e["status"] for e in shopper["events"]][:2] == ["exception", "delivered"]


def test_events_by_hand_only_for_parcels_tracking_still_serves(
    client, tracked, key, disable_plugin
):
    order = order_of(tracked, tracked.duvet, tracked.sneaker)
    duvet = parcel_for(order, tracked.duvet, "DUVET-1")
    sneaker = parcel_for(order, tracked.sneaker, "SNEAKER-1")
    disable_plugin("tracking", tracked.alpha, tracked.shoes)
    assert add_event(client, key, sneaker.id, status="delivered").status_code == 404
    assert add_event(client, key, duvet.id).status_code == 201


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"status": "pending"}, "status"),
        ({"status": "teleported"}, "status"),
        ({"description": ""}, "description"),
        ({"location": "x" * 201}, "location"),
        ({"occurred_at": "2150-01-01T00:00:00Z"}, "occurred_at"),
    ],
)
def test_bad_events_name_the_field(client, tracked, key, payload, field):
    parcel = parcel_for(order_of(tracked, tracked.duvet), tracked.duvet, "DUVET-1")
    answer = add_event(client, key, parcel.id, **payload)
    assert (answer.status_code, error_of(answer)["field"]) == (400, field)


def test_events_are_the_shops_own(client, tracked, key):
    parcel = parcel_for(order_of(tracked, tracked.duvet), tracked.duvet, "DUVET-1")
    beta = merchant_key(tracked.beta, tracked.beta_owner)
    assert add_event(client, beta, parcel.id).status_code == 404
    beta_url = f"/api/v1/shops/beta/admin/shipments/{parcel.id}/events"
    assert (
        client.post(
            beta_url, json={"status": "in_transit", "description": "x"}, headers=beta
        ).status_code
        == 404
    )
    assert add_event(client, key, 999999).status_code == 404
    reader = merchant_key(tracked.alpha, tracked.alpha_owner, scopes=["orders:read"])
    assert add_event(client, reader, parcel.id).status_code == 403
    assert add_event(client, bearer(tracked.alice), parcel.id).status_code == 401


# -- the shop's list -----------------------------------------------------------------------


def listed(client, key, query=""):
    answer = client.get(f"{API}/admin/shipments{query}", headers=key)
    assert answer.status_code == 200, answer.get_json()
    return answer.get_json()


def numbers(page) -> list[str]:
    return [p["tracking_number"] for p in page["items"]]


def test_the_list_pages_newest_first_and_filters_problems(client, tracked, key):
    parcels = [
        parcel_for(order_of(tracked, tracked.duvet), tracked.duvet, f"DUVET-{n}") for n in range(3)
    ]
    event(parcels[0], "exception", 5)
    event(parcels[1], "delivered", 5)
    first = listed(client, key, "?limit=2")
    assert numbers(first) == ["DUVET-2", "DUVET-1"] and first["next_cursor"]
    rest = listed(client, key, f"?limit=2&cursor={first['next_cursor']}")
    assert numbers(rest) == ["DUVET-0"] and rest["next_cursor"] is None
    problems = listed(client, key, "?show=exception")
    assert numbers(problems) == ["DUVET-0"] and problems["items"][0]["exception"]
    assert numbers(listed(client, key, "?show=delivered")) == ["DUVET-1"]
    assert numbers(listed(client, key, "?show=in_transit")) == []
    bad = client.get(f"{API}/admin/shipments?show=lost", headers=key)
    assert bad.status_code == 400 and error_of(bad)["field"] == "show"


def test_silent_parcels_are_late_as_long_as_their_category_allows(
    client, tracked, key, enable_plugin
):
    enable_plugin("tracking", tracked.alpha, tracked.bedding, stalled_hours=100)
    duvet = parcel_for(order_of(tracked, tracked.duvet), tracked.duvet, "DUVET-1")
    sneaker = parcel_for(order_of(tracked, tracked.sneaker), tracked.sneaker, "SNEAKER-1")
    for parcel in (duvet, sneaker):
        parcel.created_at = utcnow() - timedelta(hours=49)
    db.session.commit()
    late = listed(client, key, "?show=delayed")
    assert numbers(late) == ["SNEAKER-1"] and late["items"][0]["delayed"]
    flags = {p["tracking_number"]: p["delayed"] for p in listed(client, key)["items"]}
    assert flags == {"SNEAKER-1": True, "DUVET-1": False}


def test_the_list_is_the_shops_own(client, tracked, key):
    parcel_for(order_of(tracked, tracked.duvet), tracked.duvet, "DUVET-1")
    beta = merchant_key(tracked.beta, tracked.beta_owner)
    assert client.get(f"{API}/admin/shipments", headers=beta).status_code == 404
    beta_list = client.get("/api/v1/shops/beta/admin/shipments", headers=beta).get_json()
    assert beta_list["items"] == []
    assert client.get(f"{API}/admin/shipments", headers=bearer(tracked.alice)).status_code == 401
    writer = merchant_key(tracked.alpha, tracked.alpha_owner, scopes=["orders:write"])
    assert client.get(f"{API}/admin/shipments", headers=writer).status_code == 403
