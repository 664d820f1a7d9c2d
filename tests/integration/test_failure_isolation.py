"""A plugin that fails in a render hook loses its own section; the page still answers."""

from __future__ import annotations

import logging

import pytest
from flask import render_template_string

from storefront import call_hook
from tests.core_helpers import with_test_plugins

PLUGINS = ("core_sections", "core_broken", "core_plaintext")


@pytest.fixture
def storefront_plugins():
    return []


@pytest.fixture
def strict():
    return False


@pytest.fixture
def storefront_config(strict):
    return with_test_plugins(*PLUGINS, STOREFRONT_STRICT_PLUGINS=strict)


def test_a_failing_plugin_loses_only_its_section(shop, client, caplog):
    with caplog.at_level(logging.ERROR, logger="storefront.plugins"):
        response = client.get("/shop/alpha/p/sneaker")

    assert response.status_code == 200
    assert '<section class="core-sections">hello Leather Sneaker shown=5</section>' in response.text
    assert "Add to cart" in response.text
    failures = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert len(failures) == 1
    assert "core_broken" in failures[0].getMessage()
    assert "product_sections" in failures[0].getMessage()
    assert "core_broken exploded" in caplog.text  # the traceback is logged too


def test_a_failing_plugin_does_not_hold_back_the_next_page(shop, client):
    for _ in range(2):
        assert client.get("/shop/alpha/p/duvet").status_code == 200


@pytest.mark.parametrize("strict", [True])
def test_strict_mode_lets_the_exception_through(shop, client):
    with pytest.raises(RuntimeError, match="core_broken exploded"):
        client.get("/shop/alpha/p/sneaker")


def test_results_that_are_not_markup_are_escaped(shop, client):
    page = client.get("/shop/alpha/p/sneaker").text
    assert "<script>alert('core_plaintext')</script>" not in page
    assert "&lt;script&gt;alert(&#39;core_plaintext&#39;)&lt;/script&gt;" in page


def test_a_disabled_failing_plugin_is_not_called(shop, client, disable_plugin, caplog):
    disable_plugin("core_broken", shop.alpha, shop.shoes)
    with caplog.at_level(logging.ERROR, logger="storefront.plugins"):
        assert client.get("/shop/alpha/p/sneaker").status_code == 200
    assert "core_broken" not in caplog.text
    with caplog.at_level(logging.ERROR, logger="storefront.plugins"):
        client.get("/shop/alpha/p/duvet")
    assert "core_broken" in caplog.text


def test_unknown_hook_name_is_silent_in_production(app, shop):
    with app.test_request_context("/shop/alpha/"):
        from flask import g

        from storefront import Scope

        g.scope = Scope(shop.alpha)
        assert call_hook("no_such_hook", product=shop.tee) == []
        assert render_template_string("[{{ hook('no_such_hook') }}]") == "[]"


@pytest.mark.parametrize("strict", [True])
def test_unknown_hook_name_raises_in_strict_mode(app, shop):
    with app.test_request_context("/shop/alpha/"):
        from flask import g

        from storefront import Scope

        g.scope = Scope(shop.alpha)
        with pytest.raises(AttributeError, match="no_such_hook"):
            call_hook("no_such_hook")


def test_list_hooks_are_flattened_and_escaped(app, shop, client):
    page = client.get("/shop/alpha/").text
    assert '<a href="/help">Sections help</a>' in page


def test_hook_outside_a_shop_uses_every_plugin(app, shop):
    with app.test_request_context("/"):
        result = call_hook("footer_links")
        assert [link.label for link in result.flat()] == ["Sections help"]
