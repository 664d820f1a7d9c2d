"""Events that fail every retry wait in the platform admin to be retried or discarded."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from storefront import db
from storefront.events import MAX_ATTEMPTS
from storefront.models import EventDelivery
from storefront.orders import CartLine, place_order
from tests.core_helpers import with_test_plugins
from tests.plugins_for_tests import core_events


@pytest.fixture
def storefront_plugins():
    return []


@pytest.fixture
def storefront_config():
    return with_test_plugins("core_events", STOREFRONT_EVENTS_INLINE=False)


@pytest.fixture
def dead(shop, deliver_events):
    core_events.failing["order_placed"] = True
    place_order(
        shop.alpha,
        shop.alice,
        [CartLine(shop.sneaker.variants[0].id, 1)],
        recipient="A",
        phone="+8613800138000",
        address="Road 1",
    )
    db.session.commit()
    delivery = None
    for _ in range(MAX_ATTEMPTS):
        deliver_events()
        delivery = db.session.scalar(
            select(EventDelivery).where(EventDelivery.plugin == "core_events")
        )
        delivery.next_attempt_at = delivery.updated_at  # skip the back-off wait
        db.session.commit()
    yield delivery
    core_events.failing["order_placed"] = False


def test_dead_letters_can_be_retried_and_discarded(
    dead, platform_admin_client, deliver_events, client_for, shop
):
    assert dead.status == "dead"
    page = platform_admin_client.get("/platform/events").text
    assert "order_placed" in page and "core_events" in page
    assert client_for(shop.alpha_owner).get("/platform/events").status_code == 403
    core_events.failing["order_placed"] = False
    platform_admin_client.post(f"/platform/events/{dead.id}", data={"action": "retry"})
    deliver_events()
    assert db.session.get(EventDelivery, dead.id).status == "done"
    assert (
        platform_admin_client.post(
            f"/platform/events/{dead.id}", data={"action": "discard"}
        ).status_code
        == 404
    )
