"""The carrier webhook keeps every event, costs the same however long the history, and
never moves a delivered parcel backwards. Every event comes through the signed webhook."""

from __future__ import annotations

import json
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event as sa_event
from sqlalchemy import func, insert, select

from storefront import Notification, Order, db
from storefront.plugins.tracking.carriers import STATUS_LABELS
from storefront.plugins.tracking.models import Shipment, TrackingEvent
from storefront.plugins.tracking.shipping import create_shipment
from storefront.plugins.tracking.webhook import sign

SECRET = "a-long-webhook-secret"
T0 = datetime(2026, 11, 20, 8, tzinfo=UTC)


@pytest.fixture
def storefront_plugins():
    return ["tracking"]


@pytest.fixture
def tracked(shop, enable_plugin):
    enable_plugin("tracking", shop.alpha, webhook_secret=SECRET)
    for variant in shop.duvet.variants:
        variant.stock = 100
    db.session.commit()
    return shop


def parcel(shop, number: str) -> Shipment:
    """A shipped order of one duvet in one parcel."""
    order = shop.make.order(shop.alpha, shop.alice, shop.duvet, status="awaiting_shipment")
    shipment = create_shipment(order, "manual", number, None, None)
    db.session.commit()
    return shipment


@pytest.fixture
def make_parcel(tracked, make):
    tracked.make = make
    return lambda number="PARCEL-1": parcel(tracked, number)


def post(client, event_id: str, number: str, status: str, when: datetime, **extra):
    body = json.dumps(
        {
            "id": event_id,
            "tracking_number": number,
            "status": status,
            "time": when.isoformat(),
            **extra,
        }
    ).encode()
    stamp = str(int(time.time()))
    return client.post(
        "/shop/alpha/tracking/webhook",
        data=body,
        content_type="application/json",
        headers={"X-Tracking-Timestamp": stamp, "X-Tracking-Signature": sign(SECRET, stamp, body)},
    )


def recorded(response) -> bool:
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()["recorded"]


def events_of(shipment: Shipment) -> list[TrackingEvent]:
    return db.session.scalars(
        select(TrackingEvent)
        .where(TrackingEvent.shipment_id == shipment.id)
        .order_by(TrackingEvent.id)
    ).all()


def titles_for(user) -> list[str]:
    return db.session.scalars(
        select(Notification.title).where(Notification.user_id == user.id)
    ).all()


# -- 1. one event costs the same whatever the parcel's history --------------------------------


def add_history(shipment: Shipment, n: int) -> None:
    """`n` in-transit events an hour apart, inserted in one statement, and the parcel's
    summary as the webhook would have left it."""
    db.session.execute(
        insert(TrackingEvent),
        [
            {
                "shipment_id": shipment.id,
                "external_id": f"{shipment.tracking_number}-old-{i}",
                "status": "in_transit",
                "occurred_at": T0 + timedelta(hours=i),
                "location": "Hub",
                "message": "Scanned",
                "source": "webhook",
            }
            for i in range(n)
        ],
    )
    shipment.status = "in_transit"
    shipment.last_event_at = T0 + timedelta(hours=n - 1)
    db.session.commit()


@dataclass
class Reads:
    """What the statements of a block read: SQL statements, rows per ORM select, and how many
    tracking events were loaded as objects."""

    statements: list[str] = field(default_factory=list)
    rows: list[int] = field(default_factory=list)
    events_loaded: int = 0


@contextmanager
def reads(count_queries):
    found = Reads()

    def count_rows(state):
        if not state.is_select:
            return None
        frozen = state.invoke_statement().freeze()
        found.rows.append(len(frozen.data))
        return frozen()

    def loaded(target, context):
        found.events_loaded += 1

    session = db.session()
    sa_event.listen(session, "do_orm_execute", count_rows)
    sa_event.listen(TrackingEvent, "load", loaded)
    try:
        with count_queries() as counter:
            yield found
    finally:
        sa_event.remove(TrackingEvent, "load", loaded)
        sa_event.remove(session, "do_orm_execute", count_rows)
        found.statements = counter.statements


def test_an_event_costs_the_same_on_a_long_history(make_parcel, client, count_queries):
    short, long = make_parcel("SHORT-1"), make_parcel("LONG-1")
    add_history(short, 3)
    add_history(long, 2000)
    later = T0 + timedelta(days=200)
    recorded(post(client, "warm-up", "SHORT-1", "in_transit", later))  # caches, signed-in state

    measured = {}
    for number in ("SHORT-1", "LONG-1"):
        with reads(count_queries) as found:
            new = post(client, f"{number}-new", number, "in_transit", later + timedelta(hours=1))
            assert recorded(new)
        measured[number] = found

    few, many = measured["SHORT-1"], measured["LONG-1"]
    assert len(many.statements) == len(few.statements), (few.statements, many.statements)
    assert many.events_loaded == few.events_loaded == 0
    assert max(many.rows) == max(few.rows) <= 5, (few.rows, many.rows)
    assert db.session.scalar(select(func.count(TrackingEvent.id))) == 3 + 2000 + 3


def test_a_replay_on_a_long_history_is_one_indexed_lookup(make_parcel, client, count_queries):
    long = make_parcel("LONG-1")
    add_history(long, 2000)
    recorded(post(client, "warm-up", "LONG-1", "in_transit", T0 + timedelta(days=200)))
    with reads(count_queries) as found:
        replay = post(client, "LONG-1-old-1234", "LONG-1", "exception", T0)
    assert replay.get_json() == {"recorded": False, "status": "in_transit"}
    assert found.events_loaded == 0 and max(found.rows) <= 5, found.rows
    assert [
        s for s in found.statements if s.lstrip().upper().startswith(("INSERT", "UPDATE"))
    ] == []


def test_the_redelivery_check_probes_the_event_id_index(make_parcel):
    """Not the parcel's events one by one (the shipment_id index and a filter): with a long
    history (and, for PostgreSQL, its statistics) both databases go straight to the
    (shipment, id) entry; SQLite picks that index by its columns alone."""
    from sqlalchemy import text

    from storefront.plugins.tracking.shipping import redelivery

    long = make_parcel("LONG-1")
    add_history(long, 2000)
    query = redelivery(long.id, "LONG-1-old-1234")
    sql = str(query.compile(db.engine, compile_kwargs={"literal_binds": True}))
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text("ANALYZE tracking_event"))  # rolled back with the test
        plan = " ".join(row[0] for row in db.session.execute(text(f"EXPLAIN {sql}")))
        assert "uq_tracking_event_ext" in plan and "Filter" not in plan, plan
    else:
        plan = " ".join(row[-1] for row in db.session.execute(text(f"EXPLAIN QUERY PLAN {sql}")))
        assert "INDEX" in plan and "(shipment_id=? AND external_id=?)" in plan, plan
    assert db.session.scalar(query) is not None


# -- 2. event ids are kept whole ---------------------------------------------------------------

SHARED = "shipment-SF1234567890123-scan-" + "0" * 34  # 64 characters


def test_ids_that_differ_after_64_characters_are_two_events(make_parcel, client):
    shipment = make_parcel()
    first, second = SHARED + "a" * 16, SHARED + "b" * 16
    assert len(first) == len(second) == 80
    assert recorded(post(client, first, "PARCEL-1", "in_transit", T0))
    assert recorded(post(client, second, "PARCEL-1", "out_for_delivery", T0 + timedelta(hours=1)))
    assert [e.external_id for e in events_of(shipment)] == [first, second]
    assert db.session.get(Shipment, shipment.id).status == "out_for_delivery"


def test_a_true_replay_of_a_long_id_is_still_answered_idempotently(make_parcel, client):
    shipment = make_parcel()
    long_id = SHARED + "a" * 16
    assert recorded(post(client, long_id, "PARCEL-1", "out_for_delivery", T0))
    again = post(client, long_id, "PARCEL-1", "out_for_delivery", T0)
    assert again.status_code == 200
    assert again.get_json() == {"recorded": False, "status": "out_for_delivery"}
    assert len(events_of(shipment)) == 1
    announced = [t for t in titles_for(shipment.order.user) if "Out for delivery" in t]
    assert len(announced) == 1


def test_an_id_at_the_limit_is_kept_and_a_longer_one_is_refused_naming_id(make_parcel, client):
    shipment = make_parcel()
    assert recorded(post(client, "e" * 255, "PARCEL-1", "in_transit", T0))
    refused = post(client, "e" * 256, "PARCEL-1", "in_transit", T0 + timedelta(hours=1))
    assert refused.status_code == 400
    assert refused.get_json()["field"] == "id" and "255" in refused.get_json()["error"]
    assert [e.external_id for e in events_of(shipment)] == ["e" * 255]


def test_a_carriers_own_parser_cannot_store_a_cut_id(make_parcel):
    from storefront.plugins.tracking.carriers import TrackingUpdate
    from storefront.plugins.tracking.shipping import ShippingError, record_event

    shipment = make_parcel()
    with pytest.raises(ShippingError) as refused:
        record_event(shipment, TrackingUpdate("e" * 256, "in_transit", T0))
    assert refused.value.field == "id"
    assert events_of(shipment) == []


# -- 3. delivered is final; events out of order ------------------------------------------------


def timeline_of(client_for, shipment: Shipment) -> str:
    """The tracking panel of the shopper's order page."""
    order = db.session.get(Order, shipment.order_id)
    page = client_for(order.user).get(f"/shop/alpha/account/orders/{order.number}")
    assert page.status_code == 200
    return page.text.split('id="tracking"', 1)[1].split("</section>", 1)[0]


@pytest.mark.parametrize(
    "status, after",
    [
        ("exception", timedelta(hours=2)),  # a later exception
        ("in_transit", timedelta(hours=3)),  # a later scan, with a new ETA
        ("attempt_fail", -timedelta(hours=5)),  # an older event arriving late
    ],
)
def test_news_after_a_delivery_is_in_the_timeline_but_does_not_undo_it(
    make_parcel, client, client_for, status, after
):
    shipment = make_parcel()
    delivered = T0 + timedelta(hours=1)
    assert recorded(
        post(client, "e1", "PARCEL-1", "in_transit", T0, eta=(T0 + timedelta(days=2)).isoformat())
    )
    assert recorded(post(client, "e2", "PARCEL-1", "delivered", delivered))
    assert db.session.get(Order, shipment.order_id).status == "completed"
    news = post(
        client,
        "e3",
        "PARCEL-1",
        status,
        delivered + after,
        eta=(T0 + timedelta(days=5)).isoformat(),
    )

    assert news.get_json() == {"recorded": True, "status": "delivered"}
    shipment = db.session.get(Shipment, shipment.id)
    assert (shipment.status, shipment.delivered_at) == ("delivered", delivered)
    assert [e.status for e in events_of(shipment)] == ["in_transit", "delivered", status]
    assert db.session.get(Order, shipment.order_id).status == "completed"
    titles = titles_for(shipment.order.user)
    assert sum("Delivered" in t for t in titles) == 1
    assert not any("Problem with the parcel" in t or "Delivery attempt failed" in t for t in titles)
    assert not any("new delivery date" in t for t in titles)
    timeline = timeline_of(client_for, shipment)
    assert "<h3>Delivered</h3>" in timeline
    assert timeline.count("<li><strong>") == 3  # the later news is in the timeline
    assert f"<li><strong>{STATUS_LABELS[status]}</strong>" in timeline


def test_a_delivery_scan_arriving_after_a_later_event_still_delivers(make_parcel, client):
    shipment = make_parcel()
    assert recorded(post(client, "e2", "PARCEL-1", "out_for_delivery", T0 + timedelta(hours=3)))
    late = post(client, "e1", "PARCEL-1", "delivered", T0 + timedelta(hours=1))
    assert late.get_json() == {"recorded": True, "status": "delivered"}
    shipment = db.session.get(Shipment, shipment.id)
    assert shipment.delivered_at == T0 + timedelta(hours=1)
    assert shipment.last_event_at == T0 + timedelta(hours=3)
    assert db.session.get(Order, shipment.order_id).status == "completed"
    assert sum("Delivered" in t for t in titles_for(shipment.order.user)) == 1


def test_an_older_event_arriving_late_moves_neither_status_nor_eta(make_parcel, client):
    shipment = make_parcel()
    newer_eta, older_eta = T0 + timedelta(days=1), T0 + timedelta(days=4)
    post(
        client,
        "e2",
        "PARCEL-1",
        "out_for_delivery",
        T0 + timedelta(hours=5),
        eta=newer_eta.isoformat(),
    )
    late = post(client, "e1", "PARCEL-1", "exception", T0, eta=older_eta.isoformat())
    assert late.get_json() == {"recorded": True, "status": "out_for_delivery"}
    shipment = db.session.get(Shipment, shipment.id)
    assert (shipment.eta, shipment.last_event_at) == (newer_eta, T0 + timedelta(hours=5))
    titles = titles_for(shipment.order.user)
    assert not any("Problem with the parcel" in t or "new delivery date" in t for t in titles)
    # the newest event, however late it comes, moves the ETA and is announced
    post(
        client,
        "e3",
        "PARCEL-1",
        "out_for_delivery",
        T0 + timedelta(hours=6),
        eta=older_eta.isoformat(),
    )
    assert db.session.get(Shipment, shipment.id).eta == older_eta
    assert sum("new delivery date" in t for t in titles_for(shipment.order.user)) == 1


def test_an_older_event_arriving_late_is_no_news_for_the_delay_check(make_parcel, client):
    from storefront import utcnow
    from storefront.events import run_periodic

    shipment = make_parcel()
    now = utcnow()
    shipment.created_at = now - timedelta(days=5)
    db.session.commit()
    assert recorded(post(client, "e2", "PARCEL-1", "in_transit", now - timedelta(days=3)))
    run_periodic()  # silent for 72 hours, more than the 48 allowed: the staff are told
    db.session.expire_all()  # the worker's own session told them; a request starts afresh
    assert db.session.get(Shipment, shipment.id).alerted_at is not None
    assert recorded(post(client, "e1", "PARCEL-1", "in_transit", now - timedelta(days=4)))
    assert db.session.get(Shipment, shipment.id).alerted_at is not None
    run_periodic()  # still silent since the same scan: not told again
    alerts = db.session.scalars(
        select(Notification.title).where(Notification.kind == "tracking.delayed")
    ).all()
    assert len(alerts) == 2  # the owner and the agent, once each
