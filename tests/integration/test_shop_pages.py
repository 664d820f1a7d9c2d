"""The shopper's catalogue: home, categories with pages, product page, search, 404s."""

from __future__ import annotations

import re

import pytest

from storefront import db


@pytest.fixture
def storefront_plugins():
    return []


@pytest.fixture
def storefront_config():
    return {"PAGE_SIZE": 3}


@pytest.fixture
def many_shoes(shop, make):
    """Seven more shoes: three pages of three in the shoes category (with the sneaker)."""
    shoes = [make.product(shop.alpha, shop.shoes, f"Runner {n}", 30000 + n) for n in range(1, 8)]
    db.session.commit()
    return shoes


def names_on(html: str) -> list[str]:
    return re.findall(r'<span class="name">([^<]+)</span>', html)


def test_home_shows_the_shop_its_categories_and_products(shop, client):
    response = client.get("/shop/alpha/")
    assert response.status_code == 200
    assert "<h1>Alpha Home</h1>" in response.text
    for name in ("Bedding", "Shoes", "Apparel"):
        assert f">{name}</a>" in response.text
    assert set(names_on(response.text)) == {"Linen Duvet Cover", "Leather Sneaker", "Cotton Tee"}
    assert '<meta charset="utf-8">' in response.text


def test_home_of_a_shop_without_products_says_so(shop, client):
    from storefront.models import Product

    for product in db.session.scalars(
        db.select(Product).where(Product.merchant_id == shop.beta.id)
    ):
        product.active = False
    db.session.commit()
    assert "No products yet" in client.get("/shop/beta/").text


def test_directory_lists_every_shop(shop, client):
    page = client.get("/").text
    assert "Alpha Home" in page and "Beta Beds" in page


def test_category_lists_only_its_products(shop, client):
    page = client.get("/shop/alpha/c/shoes").text
    assert names_on(page) == ["Leather Sneaker"]
    assert "<h1>Shoes</h1>" in page


def test_category_is_paginated(shop, client, many_shoes):
    first = client.get("/shop/alpha/c/shoes").text
    second = client.get("/shop/alpha/c/shoes?page=2").text
    third = client.get("/shop/alpha/c/shoes?page=3").text

    assert names_on(first) == ["Leather Sneaker", "Runner 1", "Runner 2"]
    assert names_on(second) == ["Runner 3", "Runner 4", "Runner 5"]
    assert names_on(third) == ["Runner 6", "Runner 7"]
    assert "Page 1 of 3" in first and 'rel="next" href="/shop/alpha/c/shoes?page=2"' in first
    assert 'rel="prev"' not in first
    assert 'rel="prev" href="/shop/alpha/c/shoes?page=1"' in second
    assert 'rel="next"' not in third


def test_a_page_beyond_the_end_is_a_friendly_message(shop, client, many_shoes):
    response = client.get("/shop/alpha/c/shoes?page=9")
    assert response.status_code == 200
    assert "There is no page 9." in response.text
    assert 'href="/shop/alpha/c/shoes">Back to the first page' in response.text
    assert names_on(response.text) == []


@pytest.mark.parametrize("junk", ["abc", "-1", "0", "1.5", "", "99999999999999999999"])
def test_junk_page_numbers_show_the_first_page(shop, client, many_shoes, junk):
    response = client.get(f"/shop/alpha/c/shoes?page={junk}")
    assert response.status_code == 200
    assert names_on(response.text)[:1] == ["Leather Sneaker"] or "There is no page" in response.text


@pytest.mark.parametrize("url", ["/shop/alpha/c/shoes?page=%00", "/shop/alpha/search?q=a%00b"])
def test_nul_bytes_in_the_query_are_a_bad_request(shop, client, url):
    response = client.get(url)
    assert response.status_code == 400
    assert "could not be understood" in response.text


def test_product_page_has_a_variant_picker(shop, client):
    response = client.get("/shop/alpha/p/sneaker")
    assert response.status_code == 200
    page = response.text
    assert "<h1>Leather Sneaker</h1>" in page
    assert "¥699.00" in page or "CN¥699.00" in page
    radios = re.findall(r'<input type="radio" name="variant" value="(\d+)"', page)
    assert [int(r) for r in radios] == [v.id for v in shop.sneaker.variants]
    assert f'value="{shop.sneaker.variants[0].id}" checked' in page
    assert "Add to cart" in page
    assert 'href="/shop/alpha/c/shoes">Shoes</a>' in page


def test_sold_out_variants_cannot_be_picked(shop, client):
    variant = shop.sneaker.variants[0]
    variant.stock = 0
    shop.sneaker.variants[1].stock = 2
    db.session.commit()
    page = client.get("/shop/alpha/p/sneaker").text
    assert re.search(rf'value="{variant.id}"[^>]*disabled', page)
    assert "sold out" in page
    assert "2 left" in page
    assert f'value="{shop.sneaker.variants[1].id}" checked' in page


def test_a_product_sold_out_everywhere_says_so(shop, client):
    for variant in shop.tee.variants:
        variant.stock = 0
    db.session.commit()
    page = client.get("/shop/alpha/p/tee").text
    assert "Sold out in every size for now." in page
    assert "Add to cart" not in page
    assert "Sold out" in client.get("/shop/alpha/c/apparel").text


def test_inactive_products_are_hidden_everywhere(shop, client):
    shop.sneaker.active = False
    db.session.commit()
    assert client.get("/shop/alpha/p/sneaker").status_code == 404
    assert "Leather Sneaker" not in client.get("/shop/alpha/").text
    assert "Leather Sneaker" not in client.get("/shop/alpha/c/shoes").text
    assert "Leather Sneaker" not in client.get("/shop/alpha/search?q=sneaker").text


def test_search_finds_products_by_name_case_insensitively(shop, client):
    page = client.get("/shop/alpha/search?q=SNEAK").text
    assert names_on(page) == ["Leather Sneaker"]
    assert "Results for “SNEAK”" in page


def test_search_stays_inside_the_shop(shop, client):
    assert names_on(client.get("/shop/alpha/search?q=quilt").text) == []
    assert names_on(client.get("/shop/beta/search?q=quilt").text) == ["Silk Quilt"]


def test_search_finds_chinese_product_names(shop, client, make):
    make.product(shop.alpha, shop.bedding, "桑蚕丝被 冬厚款", 159900)
    make.product(shop.alpha, shop.bedding, "全棉四件套", 49900)
    db.session.commit()
    assert names_on(client.get("/shop/alpha/search?q=蚕丝").text) == ["桑蚕丝被 冬厚款"]
    assert names_on(client.get("/shop/alpha/search?q=%E5%9B%9B%E4%BB%B6").text) == ["全棉四件套"]


def test_search_without_results_or_terms_explains(shop, client):
    assert "No products match “zzz”." in client.get("/shop/alpha/search?q=zzz").text
    assert "Type what you are looking for" in client.get("/shop/alpha/search").text


def test_search_escapes_what_was_typed(shop, client):
    page = client.get("/shop/alpha/search?q=<b>x</b>").text
    assert "<b>x</b>" not in page
    assert "&lt;b&gt;x&lt;/b&gt;" in page


def test_search_wildcards_are_not_special(shop, client, make):
    assert names_on(client.get("/shop/alpha/search?q=%25").text) == []
    assert names_on(client.get("/shop/alpha/search?q=_").text) == []
    make.product(shop.alpha, shop.bedding, "100% Cotton_Sheet", 9900)
    db.session.commit()
    assert names_on(client.get("/shop/alpha/search?q=100%25").text) == ["100% Cotton_Sheet"]
    assert names_on(client.get("/shop/alpha/search?q=n_s").text) == ["100% Cotton_Sheet"]


@pytest.mark.parametrize(
    "url",
    [
        "/shop/nobody/",
        "/shop/nobody/c/shoes",
        "/shop/alpha/c/nothing",
        "/shop/alpha/p/nothing",
        "/shop/alpha/p/quilt",  # beta's product through alpha's address
        "/shop/beta/c/shoes",  # alpha's category through beta's address
        "/shop/alpha/account/orders/999",
        "/shop/alpha/p/%00",
        "/shop/ALPHA/",
    ],
)
def test_unknown_or_foreign_things_are_404(shop, client_for, url):
    response = client_for(shop.alice).get(url)
    assert response.status_code == 404
    assert "We could not find that page." in response.text


def test_malformed_ids_are_404_not_500(shop, client_for):
    shopper = client_for(shop.alice)
    assert shopper.post("/shop/alpha/account/addresses/abc/delete").status_code == 404
    assert shopper.post("/shop/alpha/account/addresses/99999/delete").status_code == 404
    huge = "/shop/alpha/account/addresses/99999999999999999999999/delete"
    assert shopper.post(huge).status_code == 404
    assert shopper.get("/uploads/../../etc/passwd").status_code == 404
    assert shopper.get("/uploads/nothing.png").status_code == 404


def test_json_clients_get_json_errors(shop, client):
    response = client.get("/shop/alpha/p/nothing", headers={"Accept": "application/json"})
    assert response.status_code == 404
    assert response.get_json()["error"] == "We could not find that page."
