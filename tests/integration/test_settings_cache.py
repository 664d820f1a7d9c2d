"""Settings are cached per process and dropped by every process when they change."""

from __future__ import annotations

import pytest

from storefront import create_app, db
from storefront.plugin_settings import set_config, set_enabled, set_platform
from storefront.testing import QueryCounter, base_config
from tests.core_helpers import with_test_plugins

PLUGINS = ("core_sections", "core_optin")


@pytest.fixture
def storefront_plugins():
    return []


@pytest.fixture
def storefront_config():
    return with_test_plugins(*PLUGINS)


@pytest.fixture
def second_app(app, storefront_database_url, tmp_path):
    """Another server process: its own app, engine and caches, the same database."""
    config = base_config(storefront_database_url)
    config.update(STOREFRONT_PLUGINS=[], **with_test_plugins(*PLUGINS))
    other = create_app(config, instance_path=str(tmp_path / "other-instance"))
    yield other
    with other.app_context():
        db.engine.dispose()


def engine_of(application):
    with application.app_context():
        return db.engine


def sneaker_page(client) -> str:
    response = client.get("/shop/alpha/p/sneaker")
    assert response.status_code == 200
    return response.text


def test_a_change_made_through_one_app_is_seen_by_the_other(app, shop, second_app):
    a, b = app.test_client(), second_app.test_client()
    assert "core-sections" in sneaker_page(b)
    assert "core-optin" not in sneaker_page(b)

    with app.test_request_context():
        set_enabled(shop.alpha, "core_sections", False, shop.shoes)
        set_enabled(shop.alpha, "core_optin", True)
        db.session.commit()

    page = sneaker_page(b)
    assert "core-sections" not in page
    assert "core-optin" in page
    assert "core-sections" in b.get("/shop/alpha/p/duvet").text
    assert "core-sections" not in sneaker_page(a)


def test_config_changes_reach_the_other_app(app, shop, second_app):
    b = second_app.test_client()
    assert "shown=5" in sneaker_page(b)
    set_config(shop.alpha, "core_sections", {"shown": 12})
    db.session.commit()
    assert "shown=12" in sneaker_page(b)


def test_platform_changes_reach_every_merchant_in_the_other_app(app, shop, second_app):
    b = second_app.test_client()
    assert "core-sections" in sneaker_page(b)
    set_platform("core_sections", available=False, enabled=None, actor=None)
    db.session.commit()
    assert "core-sections" not in sneaker_page(b)


def test_the_other_app_reloads_with_at_most_one_extra_query(app, shop, second_app):
    b = second_app.test_client()
    sneaker_page(b)
    engine = engine_of(second_app)
    with QueryCounter(engine) as cached:
        sneaker_page(b)

    set_enabled(shop.alpha, "core_optin", True)
    db.session.commit()

    with QueryCounter(engine) as reloaded:
        page = sneaker_page(b)
    assert "core-optin" in page
    assert reloaded.count <= cached.count + 1, reloaded.statements

    with QueryCounter(engine) as again:
        sneaker_page(b)
    assert again.count == cached.count


def test_an_unchanged_merchant_is_not_reloaded(app, shop, second_app):
    b = second_app.test_client()
    cache = second_app.extensions["storefront"].settings_cache
    sneaker_page(b)
    b.get("/shop/beta/")
    loads = cache.loads

    set_enabled(shop.beta, "core_optin", True)
    db.session.commit()
    sneaker_page(b)
    sneaker_page(b)
    assert cache.loads == loads
    b.get("/shop/beta/")
    assert cache.loads == loads + 1
