"""The size advisor stands in for the FAQ plugin where it is on, and gives sound advice."""

from types import SimpleNamespace

import pytest
from storefront_size_advisor.advice import FootLengthError, advise, eu_size, parse_foot_length

from storefront import Scope


@pytest.fixture
def storefront_plugins():
    return ["faq", "size_advisor"]


def _variant(size, stock):
    return SimpleNamespace(size=size, stock=stock)


@pytest.mark.parametrize(("foot", "room", "expected"), [(250, 12, 39), (265, 12, 42), (240, 0, 36)])
def test_eu_size(foot, room, expected):
    assert eu_size(foot, room) == expected


def test_advice_prefers_the_nearest_size_in_stock():
    variants = [_variant("39", 0), _variant("40", 3), _variant("41", 2), _variant("M", 9)]
    advice = advise(250, 12, variants)
    assert (advice.eu_size, advice.best_size, advice.in_stock) == (39, "40", True)


def test_advice_when_everything_is_too_small():
    advice = advise(320, 12, [_variant("40", 1)])
    assert advice.best_size is None


@pytest.mark.parametrize("raw", ["", "abc", "12", "999", "-250"])
def test_bad_foot_lengths_are_refused(app, raw):
    with pytest.raises(FootLengthError):
        parse_foot_length(raw)


def test_replaces_faq_in_shoes_only(app, shop, enable_plugin):
    enable_plugin("faq", shop.alpha)
    enable_plugin("size_advisor", shop.alpha, category=shop.shoes)
    shoes = Scope(shop.alpha, shop.shoes)
    assert shoes.enabled("size_advisor")
    assert not shoes.enabled("faq")
    assert shoes.state.states["faq"].replaced_by == "size_advisor"
    assert Scope(shop.alpha, shop.bedding).enabled("faq")
    assert Scope(shop.alpha).enabled("faq")


def test_product_pages(app, shop, enable_plugin, client):
    enable_plugin("faq", shop.alpha)
    enable_plugin("size_advisor", shop.alpha, category=shop.shoes)
    sneaker = client.get("/shop/alpha/p/sneaker?foot_mm=250")
    assert sneaker.status_code == 200
    assert 'data-plugin="size_advisor"' in sneaker.text
    assert "We suggest size 39." in sneaker.text
    duvet = client.get("/shop/alpha/p/duvet")
    assert 'data-plugin="size_advisor"' not in duvet.text


def test_bad_input_on_the_page_is_a_message_not_an_error(app, shop, enable_plugin, client):
    enable_plugin("size_advisor", shop.alpha, category=shop.shoes)
    page = client.get("/shop/alpha/p/sneaker?foot_mm=%3Cscript%3E")
    assert page.status_code == 200
    assert "Enter your foot length in millimetres" in page.text
    assert "<script>" not in page.text


def test_acts_only_where_it_is_on(scope_conformance):
    """Storefront's published check: off for a category leaves no trace there."""
    assert scope_conformance("size_advisor") == []


def test_the_api_endpoint_is_in_the_served_document(app, client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert "/api/v1/shops/{merchant}/size-advisor/products/{product_slug}" in paths


def test_the_api_answers_where_the_advisor_is_on_and_404_elsewhere(
    app, shop, enable_plugin, client
):
    enable_plugin("size_advisor", shop.alpha, category=shop.shoes)
    advice = client.get("/api/v1/shops/alpha/size-advisor/products/sneaker?foot_mm=250")
    assert advice.status_code == 200
    assert advice.get_json()["best_size"] == "39"
    duvet = client.get("/api/v1/shops/alpha/size-advisor/products/duvet?foot_mm=250")
    assert duvet.status_code == 404
    assert duvet.get_json()["error"]["code"] == "not_found"
    bad = client.get("/api/v1/shops/alpha/size-advisor/products/sneaker?foot_mm=12")
    assert bad.status_code == 400
    assert bad.get_json()["error"]["field"] == "foot_mm"
