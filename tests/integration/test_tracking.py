"""Tracking through the test client: parcels, the webhook, the timeline, isolation, CSV."""

from __future__ import annotations

import io
import json
import re
import time
from datetime import timedelta

import pytest
from flask import g
from sqlalchemy import func, insert, select, text

from storefront import Notification, Order, db, utcnow
from storefront.plugins.tracking.models import Shipment, ShipmentItem, TrackingEvent
from storefront.plugins.tracking.webhook import sign

SECRET = "a-long-webhook-secret"


@pytest.fixture
def storefront_plugins():
    return ["tracking"]


@pytest.fixture
def paid(shop, make):
    order = make.order(shop.alpha, shop.alice, shop.sneaker)
    db.session.commit()
    return order


@pytest.fixture
def parcel(shop, paid, owner_client, enable_plugin):
    enable_plugin("tracking", shop.alpha, webhook_secret=SECRET)
    owner_client.post(
        f"/admin/alpha/tracking/orders/{paid.number}/shipments",
        data={"carrier": "sf", "tracking_number": "sf1234567890123"},
    )
    return db.session.scalar(select(Shipment))


def post_event(client, payload, secret=SECRET, shop="alpha", timestamp=None):
    body = json.dumps(payload).encode()
    timestamp = timestamp or str(int(time.time()))
    return client.post(
        f"/shop/{shop}/tracking/webhook",
        data=body,
        content_type="application/json",
        headers={
            "X-Tracking-Timestamp": timestamp,
            "X-Tracking-Signature": sign(secret, timestamp, body),
        },
    )


def event(n, status, when, number="SF1234567890123", **extra):
    return {"id": f"evt-{n}", "tracking_number": number, "status": status, "time": when, **extra}


def test_first_parcel_ships_the_order_and_shows_on_both_order_pages(
    shop, paid, parcel, client_for, owner_client
):
    assert parcel.tracking_number == "SF1234567890123"
    assert db.session.get(Order, paid.id).status == "shipped"
    shopper_page = client_for(shop.alice).get(f"/shop/alpha/account/orders/{paid.number}").text
    assert "SF1234567890123" in shopper_page and "sf-express.com" in shopper_page
    assert "Add a parcel" in owner_client.get(f"/admin/alpha/orders/{paid.number}").text


def test_wrong_numbers_and_unpaid_orders_are_refused(shop, make, owner_client, paid):
    page = owner_client.post(
        f"/admin/alpha/tracking/orders/{paid.number}/shipments",
        data={"carrier": "sf", "tracking_number": "12345"},
        follow_redirects=True,
    )
    assert "This is not a SF Express tracking number." in page.text
    unpaid = make.order(shop.alpha, shop.alice, shop.duvet, status="pending_payment")
    db.session.commit()
    page = owner_client.post(
        f"/admin/alpha/tracking/orders/{unpaid.number}/shipments",
        data={"carrier": "sf", "tracking_number": "SF1234567890999"},
        follow_redirects=True,
    )
    assert "cannot be shipped" in page.text
    assert db.session.scalar(select(func.count(Shipment.id))) == 0


def test_webhook_events_are_ordered_by_time_and_idempotent(shop, parcel, client):
    assert post_event(client, event(2, "out_for_delivery", "2026-11-21T08:00:00Z")).json["recorded"]
    late = post_event(client, event(1, "in_transit", "2026-11-20T08:00:00Z"))
    assert late.json == {"recorded": True, "status": "out_for_delivery"}
    again = post_event(client, event(2, "out_for_delivery", "2026-11-21T08:00:00Z"))
    assert again.json["recorded"] is False
    assert db.session.scalar(select(func.count(TrackingEvent.id))) == 2
    notes = db.session.scalars(
        select(Notification.title).where(Notification.user_id == shop.alice.id)
    ).all()
    assert sum("Out for delivery" in n for n in notes) == 1


def test_delivery_of_every_parcel_completes_the_order(shop, paid, parcel, client):
    post_event(client, event(1, "delivered", "2026-11-22T09:00:00Z", location="Shanghai"))
    assert db.session.get(Order, paid.id).status == "completed"


def test_moved_eta_is_announced(shop, parcel, client):
    post_event(client, event(1, "in_transit", "2026-11-20T08:00:00Z", eta="2026-11-23T00:00:00Z"))
    post_event(client, event(2, "in_transit", "2026-11-21T08:00:00Z", eta="2026-11-25T00:00:00Z"))
    titles = db.session.scalars(
        select(Notification.title).where(Notification.user_id == shop.alice.id)
    ).all()
    assert any("new delivery date" in t for t in titles)


@pytest.mark.parametrize(
    "secret, timestamp, status",
    [("wrong-secret-of-the-day", None, 401), (SECRET, "1000", 401)],
)
def test_unsigned_wrong_and_stale_calls_are_refused(
    shop, parcel, client, secret, timestamp, status
):
    response = post_event(
        client, event(1, "delivered", "2026-11-22T09:00:00Z"), secret=secret, timestamp=timestamp
    )
    assert response.status_code == status
    unsigned = client.post(
        "/shop/alpha/tracking/webhook", json=event(1, "delivered", "2026-11-22T09:00:00Z")
    )
    assert unsigned.status_code == 401 and unsigned.json["field"] == "signature"
    assert db.session.scalar(select(func.count(TrackingEvent.id))) == 0


def test_bad_payload_names_the_field(shop, parcel, client):
    response = post_event(
        client, {"id": "x", "tracking_number": "SF1234567890123", "status": "in_transit"}
    )
    assert response.status_code == 400 and response.json["field"] == "time"


def test_other_shops_numbers_are_unknown(shop, make, parcel, client, enable_plugin):
    enable_plugin("tracking", shop.beta, webhook_secret=SECRET)
    response = post_event(client, event(1, "delivered", "2026-11-22T09:00:00Z"), shop="beta")
    assert response.status_code == 404
    assert response.json == {"error": "unknown tracking number", "field": "tracking_number"}


def test_shoppers_and_shops_only_see_their_own_parcels(shop, paid, parcel, client_for):
    assert client_for(shop.bob).get(f"/shop/alpha/account/orders/{paid.number}").status_code == 404
    beta = client_for(shop.beta_owner)
    assert (
        beta.post(
            f"/admin/beta/tracking/shipments/{parcel.id}/events", data={"status": "delivered"}
        ).status_code
        == 404
    )
    assert "SF1234567890123" not in beta.get("/admin/beta/tracking/").text


def test_manual_event_is_escaped(shop, paid, parcel, owner_client, client_for):
    owner_client.post(
        f"/admin/alpha/tracking/shipments/{parcel.id}/events",
        data={"status": "exception", "message": "<script>alert(1)</script>"},
    )
    page = client_for(shop.alice).get(f"/shop/alpha/account/orders/{paid.number}").text
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page
    assert "Problem with the parcel" in page


def test_csv_import_keeps_good_rows_and_reports_bad_ones(shop, make, owner_client):
    good = make.order(shop.alpha, shop.alice, shop.sneaker)
    other = make.order(shop.alpha, shop.bob, shop.duvet)
    theirs = make.order(shop.beta, shop.bob, shop.beta_quilt)
    db.session.commit()
    csv_text = (
        "order,carrier,tracking\n"
        f"{good.number},sf,SF1234567890123\n"
        f"{other.number},sf,not-a-number\n"
        f"{theirs.number},sf,SF1234567890999\n"
        "just,two\n"
        f"{other.number},yto,YT1234567890123\n"
    )
    page = owner_client.post(
        "/admin/alpha/tracking/import",
        data={"file": (io.BytesIO(csv_text.encode()), "parcels.csv")},
        content_type="multipart/form-data",
    )
    assert "2 parcels added, 3 rows with errors." in page.text
    assert f"No order {theirs.number} in this shop." in page.text
    assert "Expected 3 columns, found 2." in page.text
    numbers = set(db.session.scalars(select(Shipment.tracking_number)))
    assert numbers == {"SF1234567890123", "YT1234567890123"}


def test_shipments_list_filters_and_counts_do_not_grow(shop, make, owner_client, count_queries):
    def queries() -> int:
        with count_queries() as counter:
            assert owner_client.get("/admin/alpha/tracking/").status_code == 200
        return counter.count

    for variant in shop.sneaker.variants:
        variant.stock = 100
    order = make.order(shop.alpha, shop.alice, shop.sneaker)
    db.session.commit()
    owner_client.post(
        f"/admin/alpha/tracking/orders/{order.number}/shipments",
        data={"carrier": "manual", "tracking_number": "PARCEL-1"},
    )
    queries()
    few = queries()
    for n in range(2, 12):
        o = make.order(shop.alpha, shop.alice, shop.sneaker)
        db.session.commit()
        owner_client.post(
            f"/admin/alpha/tracking/orders/{o.number}/shipments",
            data={"carrier": "manual", "tracking_number": f"PARCEL-{n}"},
        )
    queries()  # the first request after the test's commits reloads the signed-in user
    assert queries() == few
    assert "PARCEL-1" not in owner_client.get("/admin/alpha/tracking/?show=delivered").text


def test_the_worker_tick_tells_the_staff_once_about_silent_parcels(shop, parcel, app):
    from datetime import timedelta

    from storefront.events import run_periodic

    parcel.created_at = utcnow() - timedelta(hours=49)
    db.session.commit()
    run_periodic()
    run_periodic()
    alerts = db.session.scalars(
        select(Notification).where(Notification.kind == "tracking.delayed")
    ).all()
    assert {a.user_id for a in alerts} == {shop.alpha_owner.id, shop.alpha_agent.id}
    assert len(alerts) == 2
    assert "SF1234567890123" in alerts[0].title


def test_worker_once_runs_the_periodic_checks(shop, parcel, app):
    from datetime import timedelta

    parcel.eta = utcnow() - timedelta(days=1)
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["worker", "--once"])
    assert result.exit_code == 0, result.output
    assert (
        db.session.scalar(
            select(func.count(Notification.id)).where(Notification.kind == "tracking.delayed")
        )
        == 2
    )


# -- the shipments list at scale ------------------------------------------------------------

LIST_NUMBER = re.compile(r'<td data-label="[^"]*"><span>([^<]+)</span></td>')


def add_parcels(merchant, order, statuses: list[str]) -> None:
    """One parcel per status, P00 the newest, an hour apart, with an event and an item each:
    the list must neither load nor show them."""
    now = utcnow()
    rows = [
        {
            "merchant_id": merchant.id,
            "order_id": order.id,
            "carrier": "sf",
            "tracking_number": f"P{n:02d}",
            "status": status,
            "created_at": now - timedelta(hours=n),
        }
        for n, status in enumerate(statuses)
    ]
    statement = insert(Shipment).returning(Shipment.id, sort_by_parameter_order=True)
    ids = db.session.scalars(statement, rows).all()
    db.session.execute(
        insert(TrackingEvent),
        [{"shipment_id": i, "status": "in_transit", "occurred_at": now} for i in ids],
    )
    db.session.execute(
        insert(ShipmentItem),
        [{"shipment_id": i, "order_item_id": order.items[0].id} for i in ids],
    )
    db.session.commit()


def listed(client, query: str = "") -> list[str]:
    return LIST_NUMBER.findall(client.get(f"/admin/alpha/tracking/{query}").text)


STATUSES = ["delivered", "exception", "in_transit", "attempt_fail", "delivered"] * 6  # 30


def test_shipments_are_paged_newest_first_in_every_tab(shop, paid, owner_client):
    add_parcels(shop.alpha, paid, STATUSES)
    every = [f"P{n:02d}" for n in range(len(STATUSES))]
    assert listed(owner_client) == every[:25]
    assert listed(owner_client, "?page=2") == every[25:]
    problems = [
        p for p, s in zip(every, STATUSES, strict=True) if s in ("exception", "attempt_fail")
    ]
    assert listed(owner_client, "?show=exception") == problems
    delivered = [p for p, s in zip(every, STATUSES, strict=True) if s == "delivered"]
    assert listed(owner_client, "?show=delivered") == delivered


@pytest.mark.parametrize("page", ["99", str(10**30), "0", "-1", "junk"])
def test_shipments_list_answers_any_page_argument(shop, paid, owner_client, page):
    add_parcels(shop.alpha, paid, ["in_transit"] * 3)
    response = owner_client.get(f"/admin/alpha/tracking/?page={page}")
    assert response.status_code == 200
    assert LIST_NUMBER.findall(response.text) == (
        [] if page in ("99", str(10**30)) else ["P00", "P01", "P02"]
    )


def listing_plan(app, merchant, show: str) -> str:
    """The plan of one page of a tab, with the list's own query (its join included)."""
    from storefront.plugins.tracking.admin_views import listing_query
    from storefront.plugins.tracking.queries import silence_limits, stalled

    with app.test_request_context():
        g.merchant = merchant
        late = stalled(silence_limits(merchant), utcnow())
        query = listing_query(show, late).offset(500).limit(25)
        sql = str(query.compile(db.engine, compile_kwargs={"literal_binds": True}))
    if db.engine.dialect.name == "postgresql":
        # An empty test table makes a scan look cheapest; ask which index can give the order.
        db.session.execute(text("SET LOCAL enable_seqscan = off"))
        plan = " ".join(row[0] for row in db.session.execute(text(f"EXPLAIN {sql}")))
        db.session.rollback()
        return plan
    return " ".join(row[-1] for row in db.session.execute(text(f"EXPLAIN QUERY PLAN {sql}")))


@pytest.mark.parametrize(
    "show, index",
    [
        ("all", "ix_tracking_shipment_newest"),
        ("in_transit", "ix_tracking_shipment_status_newest"),
        ("delivered", "ix_tracking_shipment_status_newest"),
    ],
)
def test_shipment_tabs_are_read_in_index_order(shop, app, show, index):
    """No sort step: a page of the list skips index entries instead of sorting every parcel.

    On an empty table PostgreSQL may walk either newest-first index (its statistics choose
    between them); SQLite takes the one the tab's filter and order match.
    """
    plan = listing_plan(app, shop.alpha, show)
    expected = index if db.engine.dialect.name != "postgresql" else "_newest"
    assert f"{expected} " in plan, plan
    assert "Sort" not in plan and "TEMP B-TREE" not in plan, plan


def test_the_problems_tab_finds_its_parcels_by_status(shop, app):
    """Not by walking the newest-first index through every delivered parcel (SQLite's pick
    for a list of statuses, statistics or not); PostgreSQL chooses by its statistics."""
    plan = listing_plan(app, shop.alpha, "exception")
    if db.engine.dialect.name != "postgresql":
        assert "ix_tracking_shipment_status" in plan and "status=?" in plan, plan


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("time", "0001-01-01T00:00:00+14:00"),
        ("time", "9999-12-31T23:59:59-14:00"),
        ("eta", "9999-12-31T23:59:59-14:00"),
        ("time", "²"),
    ],
)
def test_webhook_times_outside_the_stored_range_name_the_field(shop, parcel, client, field, value):
    payload = event(1, "in_transit", "2026-12-01T10:00:00Z")
    payload[field] = value
    response = post_event(client, payload)
    assert response.status_code == 400
    assert response.get_json()["field"] == field
    assert db.session.scalar(select(func.count(TrackingEvent.id))) == 0


def test_deeply_nested_or_nul_json_is_a_400_naming_the_body(shop, parcel, client):
    deep: list = [1]
    for _ in range(40):
        deep = [deep]
    nested = post_event(client, {"x": deep})
    assert nested.status_code == 400 and nested.get_json()["field"] == "body"
    nul = post_event(client, event(2, "in_transit", "2026-12-01T10:00:00Z", message="a\u0000b"))
    assert nul.status_code == 400 and "NUL" in nul.get_json()["error"]
