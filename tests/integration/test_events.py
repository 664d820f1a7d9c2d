"""Outbox events: written with the change, delivered after commit, retried alone, never undoing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from storefront import db
from storefront.events import MAX_ATTEMPTS
from storefront.models import EventDelivery, Order, OutboxEvent, utcnow
from storefront.orders import CartLine, place_order
from tests.core_helpers import buy_sneaker, with_test_plugins
from tests.plugins_for_tests import core_events, core_events_other


@pytest.fixture
def storefront_plugins():
    return []


@pytest.fixture
def inline():
    return True


@pytest.fixture
def storefront_config(inline):
    return with_test_plugins("core_events", "core_events_other", STOREFRONT_EVENTS_INLINE=inline)


@pytest.fixture(autouse=True)
def recorders():
    core_events.received.clear()
    core_events_other.received.clear()
    core_events.failing["order_placed"] = False
    yield
    core_events.failing["order_placed"] = False


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def deliveries(plugin: str) -> list[EventDelivery]:
    return list(
        db.session.scalars(
            select(EventDelivery).where(EventDelivery.plugin == plugin).order_by(EventDelivery.id)
        )
    )


def new_order(shop) -> Order:
    return place_order(
        shop.alpha,
        shop.alice,
        [CartLine(shop.sneaker.variants[0].id, 1)],
        recipient="Alice",
        phone="+8613800138000",
        address="1 Road, Shanghai",
    )


def test_a_rolled_back_order_leaves_no_event(app, shop, deliver_events):
    new_order(shop)
    assert count(OutboxEvent) == 1
    db.session.rollback()

    assert count(OutboxEvent) == 0
    assert count(Order) == 0
    deliver_events()
    assert core_events.received == []


def test_an_event_is_not_delivered_before_commit(app, shop, deliver_events):
    order = new_order(shop)
    db.session.commit()
    assert core_events.received == []  # written, not yet delivered
    assert deliver_events() == 3  # both test plugins and the core's order notices
    assert core_events.received == [("order_placed", order.number)]
    assert core_events_other.received == [order.number]
    assert deliver_events() == 0  # delivered once only


def test_checkout_delivers_inline_after_commit(shop, client_for):
    shopper = client_for(shop.alice)
    variant = shop.sneaker.variants[3]
    shopper.post("/shop/alpha/p/sneaker/add", data={"variant": variant.id, "quantity": 1})
    response = shopper.post(
        "/shop/alpha/checkout",
        data={
            "address_id": 0,
            "recipient": "Alice",
            "phone": "13800138000",
            "line1": "1 Road",
            "city": "Shanghai",
            "payment": "test",
        },
    )
    assert response.status_code == 302
    number = db.session.scalar(select(Order.number))
    assert ("order_placed", number) in core_events.received
    assert (
        "order_status_changed",
        f"{number}:pending_payment->awaiting_shipment",
    ) in core_events.received
    ours = [d for d in db.session.scalars(select(EventDelivery)) if d.plugin.startswith("core_")]
    assert len(ours) == 3
    assert {d.status for d in ours} == {"done"}


@pytest.mark.parametrize("inline", [False])
def test_a_failing_handler_is_retried_with_back_off_and_ends_dead(
    app, shop, deliver_events, monkeypatch
):
    core_events.failing["order_placed"] = True
    order = new_order(shop)
    db.session.commit()
    clock = {"now": utcnow() + timedelta(seconds=1)}
    monkeypatch.setattr("storefront.events.utcnow", lambda: clock["now"])

    deliver_events()
    assert core_events_other.received == [order.number]  # the other plugin is not held up
    failing = [d for d in deliveries("core_events") if d.event.name == "order_placed"][0]
    assert (failing.status, failing.attempts) == ("pending", 1)
    assert "core_events cannot take orders today" in failing.last_error

    delays = [failing.next_attempt_at - clock["now"]]
    deliver_events()  # not due yet: nothing happens
    db.session.refresh(failing)
    assert failing.attempts == 1

    for attempt in range(2, MAX_ATTEMPTS + 1):
        clock["now"] = failing.next_attempt_at + timedelta(seconds=1)
        deliver_events()
        db.session.refresh(failing)
        assert failing.attempts == attempt
        if attempt < MAX_ATTEMPTS:
            assert failing.status == "pending"
            delays.append(failing.next_attempt_at - clock["now"])

    assert failing.status == "dead"
    assert all(later > earlier for earlier, later in zip(delays, delays[1:], strict=False))
    assert delays[0] == timedelta(seconds=10)
    assert core_events_other.received == [order.number]  # delivered exactly once
    db.session.refresh(order)
    assert order.status == "pending_payment"  # the order was never rolled back
    assert count(Order) == 1

    clock["now"] += timedelta(days=1)
    deliver_events()
    db.session.refresh(failing)
    assert failing.attempts == MAX_ATTEMPTS  # dead deliveries are left alone


@pytest.mark.parametrize("inline", [False])
def test_a_dead_delivery_can_be_retried(app, shop, deliver_events):
    from storefront.events import retry

    core_events.failing["order_placed"] = True
    order = new_order(shop)
    db.session.commit()
    deliver_events()
    failing = [d for d in deliveries("core_events") if d.event.name == "order_placed"][0]
    failing.status = "dead"
    db.session.commit()

    core_events.failing["order_placed"] = False
    retry(failing)
    deliver_events()
    db.session.refresh(failing)
    assert failing.status == "done"
    assert core_events.received == [("order_placed", order.number)]


def test_a_failing_handler_never_breaks_checkout(shop, client_for):
    core_events.failing["order_placed"] = True
    shopper = client_for(shop.alice)
    response = buy_sneaker(shopper, shop)
    assert response.status_code == 302
    order = db.session.scalar(select(Order))
    assert order.status == "awaiting_shipment"
    assert shopper.get(response.headers["Location"]).status_code == 200
    assert [d.status for d in deliveries("core_events") if d.event.name == "order_placed"] == [
        "pending"
    ]


def test_a_plugin_off_for_the_merchant_gets_no_event(shop, app, deliver_events, disable_plugin):
    disable_plugin("core_events", shop.alpha)
    order = new_order(shop)
    db.session.commit()
    deliver_events()
    assert core_events.received == []
    assert core_events_other.received == [order.number]


@pytest.mark.parametrize("inline", [False])
def test_the_worker_delivers_when_inline_delivery_is_off(app, shop, client_for):
    from storefront.cli import main

    buy_sneaker(client_for(shop.alice), shop)
    number = db.session.scalar(select(Order.number))
    assert number and core_events.received == []

    result = app.test_cli_runner().invoke(main, ["worker", "--once"])

    assert result.exit_code == 0, result.output
    assert "delivered" in result.output
    assert ("order_placed", number) in core_events.received
    assert core_events_other.received == [number]


def test_emit_refuses_nothing_but_unknown_events_reach_nobody(app, shop, deliver_events):
    from storefront import emit

    emit("no_such_event", merchant=shop.alpha, value=1)
    db.session.commit()
    assert deliver_events() == 0
    assert db.session.scalar(select(OutboxEvent.status)) == "fanned_out"
