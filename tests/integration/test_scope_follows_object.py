"""The scope follows the object: listings, orders, events and periodic work, per category."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from storefront import Scope, db, utcnow
from storefront.events import run_periodic
from storefront.models import EventDelivery, OutboxEvent
from storefront.testing import Factory
from tests.core_helpers import with_test_plugins
from tests.plugins_for_tests import core_scoped

SCOPED, BEDDING_ONLY = "core_scoped", "core_bedding_only"


@pytest.fixture
def storefront_plugins():
    return []


@pytest.fixture
def storefront_config():
    return with_test_plugins(SCOPED, BEDDING_ONLY, "core_wrapper", "core_sections")


@pytest.fixture(autouse=True)
def fresh_recorder():
    core_scoped.calls.clear()
    yield
    core_scoped.calls.clear()


def order_of(shop, *products, user=None):
    """A paid order of one unit of each product."""
    order = Factory().order(
        shop.alpha, user or shop.alice, products=products, status="awaiting_shipment"
    )
    db.session.commit()
    return order


LISTINGS = [
    "/shop/alpha/",
    "/shop/alpha/search?q=e",
    "/shop/alpha/c/shoes",
    "/shop/alpha/c/bedding",
]


@pytest.mark.parametrize("url", LISTINGS)
def test_a_badge_off_for_shoes_is_gone_from_every_listing(url, shop, client, disable_plugin):
    disable_plugin(SCOPED, shop.alpha, shop.shoes)
    page = client.get(url).text
    assert "badge:sneaker" not in page
    if "/c/shoes" not in url:
        assert "badge:duvet" in page


@pytest.mark.parametrize("url", LISTINGS)
def test_a_badge_on_for_bedding_only_shows_on_bedding_only(url, shop, client, enable_plugin):
    enable_plugin(SCOPED, shop.alpha, enabled=False)
    enable_plugin(SCOPED, shop.alpha, shop.bedding)
    page = client.get(url).text
    assert "badge:sneaker" not in page and "badge:tee" not in page
    assert ("badge:duvet" in page) == ("/c/shoes" not in url)


def test_listings_load_once_per_category_with_that_category_only(shop, client, disable_plugin):
    disable_plugin(SCOPED, shop.alpha, shop.shoes)
    client.get("/shop/alpha/")
    loaded = [args for name, args in core_scoped.calls if name == "product_list_loaded"]
    assert sorted(loaded) == [("apparel", ["tee"]), ("bedding", ["duvet"])]


def test_listing_scopes_cost_no_query_per_product(shop, make, client, count_queries, enable_plugin):
    client.get("/shop/alpha/")
    with count_queries() as few:
        client.get("/shop/alpha/")
    for n in range(6):
        make.product(shop.alpha, [shop.bedding, shop.shoes, shop.apparel][n % 3])
    enable_plugin(SCOPED, shop.alpha, shop.apparel, enabled=False)
    client.get("/shop/alpha/")
    with count_queries() as many:
        assert "badge:" in client.get("/shop/alpha/").text
    assert many.count == few.count


def test_order_panel_sees_only_its_lines_and_is_absent_without_any(
    shop, client_for, disable_plugin
):
    disable_plugin(SCOPED, shop.alpha, shop.shoes)
    mixed = order_of(shop, shop.duvet, shop.sneaker)
    shoes_only = order_of(shop, shop.sneaker)
    alice = client_for(shop.alice)
    assert "lines:duvet</section>" in alice.get(f"/shop/alpha/account/orders/{mixed.number}").text
    page = alice.get(f"/shop/alpha/account/orders/{shoes_only.number}").text
    assert "core-panel" not in page


def test_order_events_reach_a_plugin_only_with_its_lines(app, shop, disable_plugin):
    disable_plugin(SCOPED, shop.alpha, shop.shoes)
    order_of(shop, shop.duvet, shop.sneaker)
    shoes_only = order_of(shop, shop.sneaker)
    from storefront.events import dispatch_due

    dispatch_due()
    placed = [args for name, args in core_scoped.calls if name == "order_placed"]
    assert placed == [["duvet"]]
    shoe_event = db.session.scalar(
        select(OutboxEvent).where(
            OutboxEvent.name == "order_placed",
            OutboxEvent.payload["order"]["id"].as_integer() == shoes_only.id,
        )
    )
    plugins = {
        d.plugin
        for d in db.session.scalars(
            select(EventDelivery).where(EventDelivery.event_id == shoe_event.id)
        )
    }
    assert SCOPED not in plugins and "order_notices" in plugins


def test_an_event_for_a_plugin_switched_off_since_is_not_handed_over(
    app, shop, disable_plugin, deliver_events
):
    app.config["STOREFRONT_EVENTS_INLINE"] = False
    order_of(shop, shop.sneaker)
    disable_plugin(SCOPED, shop.alpha, shop.shoes)
    deliver_events()
    assert [c for c in core_scoped.calls if c[0] == "order_placed"] == []


def test_periodic_work_runs_per_shop_where_the_plugin_is_on(app, shop, disable_plugin):
    disable_plugin(SCOPED, shop.beta)
    run_periodic(utcnow() + timedelta(days=1))
    assert [args for name, args in core_scoped.calls if name == "worker_tick"] == ["alpha"]


def test_a_plugin_on_for_one_category_still_gets_its_periodic_work(app, shop, enable_plugin):
    enable_plugin(SCOPED, shop.alpha, enabled=False)
    enable_plugin(SCOPED, shop.beta, enabled=False)
    enable_plugin(SCOPED, shop.alpha, shop.bedding)
    run_periodic()
    assert [args for name, args in core_scoped.calls if name == "worker_tick"] == ["alpha"]


# -- defaults per category kind, declared once in PluginInfo ---------------------------


def test_category_kinds_decide_where_a_plugin_is_on_by_default(app, shop, client):
    assert Scope(shop.alpha, shop.bedding).enabled(BEDDING_ONLY)
    shoes = Scope(shop.alpha, shop.shoes).state.states[BEDDING_ONLY]
    assert (shoes.enabled, shoes.reason) == (False, "kind")
    assert "core-bedding" in client.get("/shop/alpha/p/duvet").text
    assert "core-bedding" not in client.get("/shop/alpha/p/sneaker").text


def test_a_category_switches_on_what_its_kind_does_not_suit(app, shop, enable_plugin):
    enable_plugin(BEDDING_ONLY, shop.alpha, shop.shoes)
    assert Scope(shop.alpha, shop.shoes).enabled(BEDDING_ONLY)
    assert not Scope(shop.alpha, shop.apparel).enabled(BEDDING_ONLY)


def test_the_shop_wide_switch_means_wherever_it_suits(app, shop, enable_plugin):
    enable_plugin(BEDDING_ONLY, shop.alpha, enabled=False)
    assert not Scope(shop.alpha, shop.bedding).enabled(BEDDING_ONLY)
    enable_plugin(BEDDING_ONLY, shop.alpha, enabled=True)
    assert Scope(shop.alpha, shop.bedding).enabled(BEDDING_ONLY)
    assert not Scope(shop.alpha, shop.shoes).enabled(BEDDING_ONLY)


def test_kind_settings_apply_until_the_merchant_sets_a_value(app, shop, enable_plugin):
    assert Scope(shop.alpha).settings(BEDDING_ONLY)["days"] == 15
    assert Scope(shop.alpha, shop.bedding).settings(BEDDING_ONLY)["days"] == 30
    enable_plugin(BEDDING_ONLY, shop.alpha, shop.shoes, days=20)
    assert Scope(shop.alpha, shop.shoes).settings(BEDDING_ONLY)["days"] == 20
    enable_plugin(BEDDING_ONLY, shop.alpha, days=15)
    assert Scope(shop.alpha, shop.bedding).settings(BEDDING_ONLY)["days"] == 15


def test_a_new_category_and_a_changed_kind_are_seen_at_once(app, shop, make, client):
    assert "core-bedding" not in client.get("/shop/alpha/p/tee").text
    shop.apparel.kind = "bedding"
    db.session.commit()
    assert "days=30" in client.get("/shop/alpha/p/tee").text
    pillows = make.category(shop.alpha, "bedding", "pillows")
    make.product(shop.alpha, pillows, slug="pillow")
    db.session.commit()
    assert "days=30" in client.get("/shop/alpha/p/pillow").text


def test_kind_settings_must_name_known_keys():
    from storefront import PluginInfo

    with pytest.raises(ValueError, match="missing from default_settings: colour"):
        PluginInfo(name="x", default_settings={"days": 1}, kind_settings={"shoes": {"colour": 1}})


# -- one dispatch path: pages honour pluggy's wrappers --------------------------------


def test_a_wrapper_wraps_the_sections_of_a_real_page(shop, client):
    page = client.get("/shop/alpha/p/duvet").text
    assert '<div class="wrapped"><section class="core-sections">' in page
    assert '<div class="wrapped"><section class="core-bedding">' in page
