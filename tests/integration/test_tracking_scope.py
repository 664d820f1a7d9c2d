"""Tracking acts only for the order lines where it is on: parcels, news, completion, delays.

Tracking is off for shoes and on for bedding (and apparel) unless a test says otherwise.
"""

from __future__ import annotations

import io
import json
import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from storefront import Notification, Order, call_hook, db, emit, utcnow
from storefront.events import run_periodic
from storefront.plugin_settings import set_platform
from storefront.plugins.tracking.models import Shipment
from storefront.plugins.tracking.shipping import create_shipment
from storefront.plugins.tracking.webhook import sign
from storefront.testing import Factory

SECRET = "a-long-webhook-secret"
DELIVERED = datetime(2026, 11, 22, 9, tzinfo=UTC)


@pytest.fixture
def storefront_plugins():
    return ["tracking"]


@pytest.fixture
def tracked(shop, enable_plugin):
    """Tracking on shop-wide with a webhook secret; the test switches shoes off when it needs."""
    enable_plugin("tracking", shop.alpha, webhook_secret=SECRET)
    return shop


def order_of(shop, *products, user=None):
    """A paid order of one unit of each product."""
    order = Factory().order(
        shop.alpha, user or shop.alice, products=products, status="awaiting_shipment"
    )
    db.session.commit()
    return order


def line_of(order: Order, product):
    return next(item for item in order.items if item.product_id == product.id)


def parcel_for(order: Order, product, number: str) -> Shipment:
    """A parcel of one line, made while tracking serves it."""
    parcel = create_shipment(order, "manual", number, {line_of(order, product).id: 1}, None)
    db.session.commit()
    return parcel


def webhook(client, number: str, status: str, n: int = 1):
    when = (DELIVERED + timedelta(minutes=n)).isoformat()
    body = json.dumps(
        {"id": f"evt-{number}-{n}", "tracking_number": number, "status": status, "time": when}
    ).encode()
    stamp = str(int(time.time()))
    return client.post(
        "/shop/alpha/tracking/webhook",
        data=body,
        content_type="application/json",
        headers={"X-Tracking-Timestamp": stamp, "X-Tracking-Signature": sign(SECRET, stamp, body)},
    )


def titles_for(user) -> list[str]:
    return db.session.scalars(
        select(Notification.title).where(Notification.user_id == user.id)
    ).all()


def shipment_lines(parcel: Shipment) -> set[int]:
    db.session.refresh(parcel)
    return {item.order_item_id for item in parcel.items}


# -- the merchant's order panel -------------------------------------------------------------


def test_the_parcel_form_offers_only_lines_where_tracking_is_on(
    tracked, disable_plugin, owner_client
):
    disable_plugin("tracking", tracked.alpha, tracked.shoes)
    order = order_of(tracked, tracked.duvet, tracked.tee, tracked.sneaker)
    page = owner_client.get(f"/admin/alpha/orders/{order.number}").text
    assert f'name="qty-{line_of(order, tracked.duvet).id}"' in page
    assert f'name="qty-{line_of(order, tracked.tee).id}"' in page
    assert f'name="qty-{line_of(order, tracked.sneaker).id}"' not in page
    assert "Shipment tracking is off for: Leather Sneaker." in page


def test_a_parcel_naming_a_line_tracking_is_off_for_is_refused(
    tracked, disable_plugin, owner_client
):
    disable_plugin("tracking", tracked.alpha, tracked.shoes)
    order = order_of(tracked, tracked.duvet, tracked.sneaker)
    url = f"/admin/alpha/tracking/orders/{order.number}/shipments"
    sneaker = line_of(order, tracked.sneaker)
    page = owner_client.post(
        url,
        data={"carrier": "manual", "tracking_number": "PARCEL-1", f"qty-{sneaker.id}": "1"},
        follow_redirects=True,
    )
    assert "Leather Sneaker cannot go in a parcel: shipment tracking is off for it." in page.text
    assert db.session.scalar(select(func.count(Shipment.id))) == 0
    owner_client.post(url, data={"carrier": "manual", "tracking_number": "PARCEL-1"})
    parcel = db.session.scalar(select(Shipment))
    assert shipment_lines(parcel) == {line_of(order, tracked.duvet).id}


def test_an_order_of_lines_tracking_is_off_for_gets_no_parcel(
    tracked, disable_plugin, owner_client
):
    disable_plugin("tracking", tracked.alpha, tracked.shoes)
    order = order_of(tracked, tracked.sneaker)
    assert "Add a parcel" not in owner_client.get(f"/admin/alpha/orders/{order.number}").text
    refused = owner_client.post(
        f"/admin/alpha/tracking/orders/{order.number}/shipments",
        data={"carrier": "manual", "tracking_number": "PARCEL-1"},
    )
    assert refused.status_code == 404
    csv_text = f"order,carrier,tracking\n{order.number},manual,PARCEL-2\n"
    page = owner_client.post(
        "/admin/alpha/tracking/import",
        data={"file": (io.BytesIO(csv_text.encode()), "parcels.csv")},
        content_type="multipart/form-data",
    )
    assert f"Shipment tracking is off for every item of order {order.number}." in page.text
    assert db.session.scalar(select(func.count(Shipment.id))) == 0


def test_events_by_hand_only_for_parcels_tracking_still_serves(
    tracked, disable_plugin, owner_client
):
    order = order_of(tracked, tracked.duvet, tracked.sneaker)
    duvet = parcel_for(order, tracked.duvet, "DUVET-1")
    sneaker = parcel_for(order, tracked.sneaker, "SNEAKER-1")
    disable_plugin("tracking", tracked.alpha, tracked.shoes)
    url = "/admin/alpha/tracking/shipments/{}/events"
    assert (
        owner_client.post(url.format(sneaker.id), data={"status": "delivered"}).status_code == 404
    )
    assert owner_client.post(url.format(duvet.id), data={"status": "in_transit"}).status_code == 302
    page = owner_client.get(f"/admin/alpha/orders/{order.number}").text
    assert "DUVET-1" in page and "SNEAKER-1" not in page


# -- what the shopper sees and hears -------------------------------------------------------


def test_parcel_news_reaches_the_shopper_only_for_lines_tracking_serves(
    tracked, disable_plugin, client
):
    order = order_of(tracked, tracked.duvet, tracked.sneaker)
    parcel_for(order, tracked.duvet, "DUVET-1")
    parcel_for(order, tracked.sneaker, "SNEAKER-1")
    disable_plugin("tracking", tracked.alpha, tracked.shoes)
    assert webhook(client, "SNEAKER-1", "out_for_delivery").json["recorded"]
    assert not any("Out for delivery" in t for t in titles_for(tracked.alice))
    webhook(client, "DUVET-1", "out_for_delivery")
    assert sum("Out for delivery" in t for t in titles_for(tracked.alice)) == 1


def test_the_timeline_shows_only_parcels_of_lines_tracking_serves(
    tracked, disable_plugin, client_for
):
    order = order_of(tracked, tracked.duvet, tracked.sneaker)
    parcel_for(order, tracked.duvet, "DUVET-1")
    parcel_for(order, tracked.sneaker, "SNEAKER-1")
    disable_plugin("tracking", tracked.alpha, tracked.shoes)
    alice, bob = client_for(tracked.alice), client_for(tracked.bob)
    page = alice.get(f"/shop/alpha/account/orders/{order.number}").text
    assert "DUVET-1" in page and "SNEAKER-1" not in page
    assert bob.get(f"/shop/alpha/account/orders/{order.number}").status_code == 404


@pytest.mark.parametrize("how", ["off everywhere", "hidden by the platform"])
def test_a_parcel_message_still_links_to_a_readable_page(
    tracked, disable_plugin, client, client_for, how
):
    order = order_of(tracked, tracked.duvet)
    parcel_for(order, tracked.duvet, "DUVET-1")
    webhook(client, "DUVET-1", "out_for_delivery")
    link = db.session.scalar(select(Notification.link).where(Notification.kind.like("tracking.%")))
    if how == "off everywhere":
        disable_plugin("tracking", tracked.alpha)
    else:
        set_platform("tracking", available=False, enabled=None, actor=None)
        db.session.commit()
    page = client_for(tracked.alice).get(link)
    assert page.status_code == 200 and order.number in page.text


# -- completion and delivery dates ---------------------------------------------------------


def deliver(client, parcel: Shipment) -> None:
    assert webhook(client, parcel.tracking_number, "delivered", n=0).json["recorded"]


def test_an_order_completes_only_when_tracking_serves_and_delivered_all_of_it(
    tracked, disable_plugin, client
):
    partly = order_of(tracked, tracked.duvet, tracked.sneaker)
    whole = order_of(tracked, tracked.duvet, tracked.tee)
    parcels = [
        parcel_for(partly, tracked.duvet, "P-DUVET"),
        parcel_for(whole, tracked.duvet, "W-DUVET"),
    ]
    disable_plugin("tracking", tracked.alpha, tracked.shoes)
    tee = parcel_for(whole, tracked.tee, "W-TEE")
    for parcel in parcels:
        deliver(client, parcel)
    assert (partly.status, whole.status) == ("shipped", "shipped")
    deliver(client, tee)
    assert whole.status == "completed"
    assert db.session.get(Order, partly.id).status == "shipped"


def test_complete_on_delivery_is_read_in_each_lines_category(tracked, enable_plugin, client):
    enable_plugin("tracking", tracked.alpha, tracked.bedding, complete_on_delivery=False)
    duvet, sneaker = order_of(tracked, tracked.duvet), order_of(tracked, tracked.sneaker)
    deliver(client, parcel_for(duvet, tracked.duvet, "DUVET-1"))
    deliver(client, parcel_for(sneaker, tracked.sneaker, "SNEAKER-1"))
    assert (duvet.status, sneaker.status) == ("shipped", "completed")


def test_the_delivery_date_is_that_of_the_lines_tracking_serves(tracked, disable_plugin, client):
    order = order_of(tracked, tracked.duvet, tracked.sneaker)
    duvet = parcel_for(order, tracked.duvet, "DUVET-1")
    parcel_for(order, tracked.sneaker, "SNEAKER-1")
    deliver(client, duvet)
    assert call_hook("order_delivered_at", order=order) == []  # the sneaker is on its way
    disable_plugin("tracking", tracked.alpha, tracked.shoes)
    assert call_hook("order_delivered_at", order=order) == [DELIVERED]


def test_an_exchange_ships_only_the_lines_tracking_serves(tracked, disable_plugin, deliver_events):
    order = order_of(tracked, tracked.duvet, tracked.sneaker)
    disable_plugin("tracking", tracked.alpha, tracked.shoes)
    emit(
        "exchange_ready_to_ship",
        merchant=tracked.alpha,
        order=order,
        items=[
            {"order_item_id": line.id, "variant_id": line.variant_id, "quantity": 1}
            for line in order.items
        ],
        reference="RMA-20261123-7K3Q",
    )
    db.session.commit()
    deliver_events()
    parcel = db.session.scalar(select(Shipment).where(Shipment.reference == "RMA-20261123-7K3Q"))
    assert shipment_lines(parcel) == {line_of(order, tracked.duvet).id}


# -- silent parcels, each in its own scope -------------------------------------------------


def silent_parcels(shop, hours: int = 49) -> dict[str, Shipment]:
    """A duvet and a sneaker parcel, each of its own order, silent for `hours`."""
    parcels = {
        "duvet": parcel_for(order_of(shop, shop.duvet), shop.duvet, "DUVET-1"),
        "sneaker": parcel_for(order_of(shop, shop.sneaker), shop.sneaker, "SNEAKER-1"),
    }
    for parcel in parcels.values():
        parcel.created_at = utcnow() - timedelta(hours=hours)
    db.session.commit()
    return parcels


def alerted() -> set[str]:
    titles = db.session.scalars(
        select(Notification.title).where(Notification.kind == "tracking.delayed")
    ).all()
    return {number for number in ("DUVET-1", "SNEAKER-1") if any(number in t for t in titles)}


def test_each_parcel_may_stay_silent_as_long_as_its_category_allows(
    tracked, enable_plugin, owner_client
):
    enable_plugin("tracking", tracked.alpha, tracked.bedding, stalled_hours=100)
    silent_parcels(tracked)
    run_periodic()
    assert alerted() == {"SNEAKER-1"}
    listing = owner_client.get("/admin/alpha/tracking/?show=delayed").text
    assert "SNEAKER-1" in listing and "DUVET-1" not in listing
    assert "No news for too long" in listing
    dashboard = owner_client.get("/admin/alpha/").text
    assert 'data-testid="tracking-delayed"><span class="figure">1<' in dashboard


def test_a_silent_parcel_tracking_no_longer_serves_is_left_alone(
    tracked, disable_plugin, owner_client
):
    silent_parcels(tracked)
    disable_plugin("tracking", tracked.alpha, tracked.shoes)
    run_periodic()
    assert alerted() == {"DUVET-1"}
    listing = owner_client.get("/admin/alpha/tracking/?show=delayed").text
    assert "DUVET-1" in listing and "SNEAKER-1" not in listing
    assert "No news for 48 hours" in listing


def test_the_worker_reads_only_the_parcels_it_reports(tracked, count_queries):
    def tick_queries() -> int:
        with count_queries() as counter:
            run_periodic()
        return counter.count

    for product in (tracked.duvet, tracked.sneaker):
        product.variants[0].stock = 100
    silent_parcels(tracked)
    tick_queries()  # the first tick tells about both
    quiet = tick_queries()
    for n in range(8):
        order = order_of(tracked, tracked.duvet if n % 2 else tracked.sneaker)
        parcel_for(order, order.items[0].product, f"FRESH-{n}")
    assert tick_queries() == quiet


def test_silent_parcels_of_categories_all_switched_off_are_left_alone(
    tracked, disable_plugin, owner_client
):
    silent_parcels(tracked)
    for category in (tracked.bedding, tracked.shoes, tracked.apparel):
        disable_plugin("tracking", tracked.alpha, category)
    run_periodic()
    assert alerted() == set()
    listing = owner_client.get("/admin/alpha/tracking/?show=delayed").text
    assert "DUVET-1" not in listing and "SNEAKER-1" not in listing
    assert owner_client.get("/admin/alpha/tracking/").status_code == 200
