"""Shopper pages run a fixed number of SQL queries, whatever the number of rows (no N+1)."""

from __future__ import annotations

import pytest

from storefront import db
from storefront.models import Order, OrderItem, Upload
from storefront.orders import CartLine, place_order


@pytest.fixture
def storefront_plugins():
    return []


def with_image(product, n: int) -> None:
    product.image = Upload(
        token=f"img-{product.id}-{n}.png",
        merchant_id=product.merchant_id,
        purpose="product",
        public=True,
        content_type="image/png",
        size=1,
        width=1,
        height=1,
    )


def add_products(make, shop, count: int, category=None) -> list:
    products = []
    for n in range(count):
        product = make.product(
            shop.alpha, category or shop.shoes, sizes=("40", "41", "42"), colours=("Red", "Blue")
        )
        with_image(product, n)
        products.append(product)
    db.session.commit()
    return products


def queries(count_queries, client, url: str) -> int:
    client.get(url)  # warm the settings cache, as any running server would have
    with count_queries() as counter:
        response = client.get(url)
    assert response.status_code == 200, url
    return counter.count


@pytest.mark.parametrize(
    "url", ["/shop/alpha/", "/shop/alpha/c/shoes", "/shop/alpha/search?q=product"]
)
def test_listings_do_not_grow_with_products(shop, make, client, count_queries, url):
    add_products(make, shop, 5)
    few = queries(count_queries, client, url)
    add_products(make, shop, 45)
    many = queries(count_queries, client, url)
    assert many == few


def test_product_page_does_not_grow_with_variants(shop, make, client, count_queries):
    small = make.product(shop.alpha, shop.shoes, sizes=("40",), colours=tuple("ABCDE"), slug="s")
    sizes = tuple(str(n) for n in range(30, 40))
    large = make.product(shop.alpha, shop.shoes, sizes=sizes, colours=tuple("ABCDE"), slug="l")
    with_image(small, 1)
    with_image(large, 2)
    db.session.commit()
    assert len(large.variants) == 50
    few = queries(count_queries, client, "/shop/alpha/p/s")
    many = queries(count_queries, client, "/shop/alpha/p/l")
    assert many == few


def test_cart_does_not_grow_with_lines(shop, make, client_for, count_queries):
    alice = client_for(shop.alice)
    products = add_products(make, shop, 50)
    for product in products[:5]:
        alice.post(f"/shop/alpha/p/{product.slug}/add", data={"variant": product.variants[0].id})
    few = queries(count_queries, alice, "/shop/alpha/cart")
    for product in products[5:]:
        alice.post(f"/shop/alpha/p/{product.slug}/add", data={"variant": product.variants[0].id})
    many = queries(count_queries, alice, "/shop/alpha/cart")
    assert "50" in alice.get("/shop/alpha/cart").text  # the badge counts them all
    assert many == few


def test_checkout_page_does_not_grow_with_lines(shop, make, client_for, count_queries):
    alice = client_for(shop.alice)
    products = add_products(make, shop, 50)
    for product in products[:5]:
        alice.post(f"/shop/alpha/p/{product.slug}/add", data={"variant": product.variants[0].id})
    few = queries(count_queries, alice, "/shop/alpha/checkout")
    for product in products[5:]:
        alice.post(f"/shop/alpha/p/{product.slug}/add", data={"variant": product.variants[0].id})
    many = queries(count_queries, alice, "/shop/alpha/checkout")
    assert many == few


def orders_for(shop, user, products, count: int) -> list[Order]:
    made = []
    for n in range(count):
        product = products[n % len(products)]
        made.append(
            place_order(
                shop.alpha,
                user,
                [CartLine(v.id, 1) for v in product.variants[:2]],
                recipient="Alice",
                phone="+8613800138000",
                address="1 Road",
            )
        )
    db.session.commit()
    return made


def test_account_page_does_not_grow_with_orders(shop, make, client_for, count_queries):
    products = add_products(make, shop, 5)
    for product in products:
        for variant in product.variants:
            variant.stock = 100
    alice = client_for(shop.alice)
    orders_for(shop, shop.alice, products, 5)
    few = queries(count_queries, alice, "/shop/alpha/account")
    orders_for(shop, shop.alice, products, 45)
    many = queries(count_queries, alice, "/shop/alpha/account")
    assert many == few


def test_order_page_does_not_grow_with_items(shop, make, client_for, count_queries):
    products = add_products(make, shop, 50)
    small = place_order(
        shop.alpha,
        shop.alice,
        [CartLine(p.variants[0].id, 1) for p in products[:5]],
        recipient="A",
        phone="+8613800138000",
        address="1 Road",
    )
    large = place_order(
        shop.alpha,
        shop.alice,
        [CartLine(p.variants[0].id, 1) for p in products],
        recipient="A",
        phone="+8613800138000",
        address="1 Road",
    )
    db.session.commit()
    assert db.session.query(OrderItem).filter_by(order_id=large.id).count() == 50
    alice = client_for(shop.alice)
    few = queries(count_queries, alice, f"/shop/alpha/account/orders/{small.number}")
    many = queries(count_queries, alice, f"/shop/alpha/account/orders/{large.number}")
    assert many == few


def test_inbox_does_not_grow_with_messages(shop, client_for, count_queries):
    from storefront import notify

    alice = client_for(shop.alice)
    for n in range(5):
        notify(shop.alice, f"Note {n}", merchant=shop.alpha, link="/x")
    db.session.commit()
    few = queries(count_queries, alice, "/shop/alpha/account/inbox")
    for n in range(45):
        notify(shop.alice, f"More {n}", merchant=shop.alpha, link="/x")
    db.session.commit()
    many = queries(count_queries, alice, "/shop/alpha/account/inbox")
    assert many == few
