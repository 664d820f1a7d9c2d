"""A product with 100,000 reviews: the page and page 500 cost as many queries as with ten."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import insert, select, text

from storefront import OrderItem, db, utcnow
from storefront.plugins.reviews.models import Review
from storefront.plugins.reviews.queries import SORTS
from storefront.plugins.reviews.rules import refresh_summary

MANY = 100_000


@pytest.fixture
def storefront_plugins():
    return ["reviews"]


def bulk_reviews(shop, make, count: int) -> None:
    """Rows straight into the table: a realistic volume in seconds, not hours of requests."""
    order = make.order(shop.alpha, shop.alice, shop.sneaker, status="completed")
    template = order.items[0]
    start = db.session.scalar(select(OrderItem.id).order_by(OrderItem.id.desc())) or 0
    now = utcnow()
    db.session.execute(
        insert(OrderItem),
        [
            {
                "order_id": template.order_id,
                "product_id": shop.sneaker.id,
                "variant_id": template.variant_id,
                "product_name": "Leather Sneaker",
                "sku": f"BULK-{n}",
                "quantity": 1,
                "unit_price_minor": 100,
            }
            for n in range(count)
        ],
    )
    ids = db.session.scalars(
        select(OrderItem.id).where(OrderItem.id > start).order_by(OrderItem.id)
    ).all()
    db.session.execute(
        insert(Review),
        [
            {
                "merchant_id": shop.alpha.id,
                "product_id": shop.sneaker.id,
                "order_item_id": item_id,
                "user_id": shop.alice.id,
                "stars": n % 5 + 1,
                "title": f"Review {n}",
                "body": "",
                "answers": {"fit": "true"},
                "status": "published",
                "helpful_count": n % 7,
                "photo_count": 0,
                "created_at": now - timedelta(minutes=n),
                "updated_at": now,
            }
            for n, item_id in enumerate(ids)
        ],
    )
    refresh_summary(shop.sneaker.id, shop.alpha.id)
    db.session.commit()


def queries_for(client, count_queries, path: str) -> int:
    client.get(path)  # warm caches
    with count_queries() as counter:
        assert client.get(path).status_code == 200
    return counter.count


def test_query_counts_do_not_grow_with_100000_reviews(shop, make, client, count_queries):
    bulk_reviews(shop, make, 10)
    small = {
        path: queries_for(client, count_queries, path)
        for path in ("/shop/alpha/p/sneaker", "/shop/alpha/p/sneaker/reviews?sort=helpful")
    }
    bulk_reviews(shop, make, MANY - 10)
    assert (
        queries_for(client, count_queries, "/shop/alpha/p/sneaker")
        == small["/shop/alpha/p/sneaker"]
    )
    page_500 = "/shop/alpha/p/sneaker/reviews?sort=helpful&page=500"
    assert (
        queries_for(client, count_queries, page_500)
        == small["/shop/alpha/p/sneaker/reviews?sort=helpful"]
    )
    assert "Page 500 of 10000" in client.get(page_500).text


def test_admin_review_pages_cost_the_same_with_100000_reviews(
    shop, make, owner_client, count_queries
):
    """The dashboard card and the queue's tab counts read bounded rows, not every review."""
    pages = ("/admin/alpha/", "/admin/alpha/reviews/", "/admin/alpha/reviews/?show=negative")
    bulk_reviews(shop, make, 10)
    small = {path: queries_for(owner_client, count_queries, path) for path in pages}
    bulk_reviews(shop, make, MANY - 10)
    assert {path: queries_for(owner_client, count_queries, path) for path in pages} == small
    assert "Published (100000)" in owner_client.get("/admin/alpha/reviews/").text


@pytest.mark.parametrize(
    "sort, stars",
    [("newest", None), ("helpful", None), ("lowest", None), ("highest", None), ("newest", 3)],
)
def test_every_sort_of_a_product_s_reviews_is_read_in_index_order(shop, sort, stars):
    """No sort step: page 500 skips index entries instead of sorting all the reviews."""
    query = select(Review).where(Review.product_id == shop.sneaker.id, Review.status == "published")
    if stars:
        query = query.where(Review.stars == stars)
    query = query.order_by(*SORTS[sort]).offset(4990).limit(10)
    sql = str(query.compile(db.engine, compile_kwargs={"literal_binds": True}))
    if db.engine.dialect.name == "postgresql":
        # An empty test table makes a scan look cheapest; ask which index can give the order.
        db.session.execute(text("SET LOCAL enable_seqscan = off"))
        plan = " ".join(row[0] for row in db.session.execute(text(f"EXPLAIN {sql}")))
        db.session.rollback()
        assert "Index Scan" in plan and "ix_reviews_product_" in plan, plan
        assert "Sort" not in plan, plan
    else:
        plan = " ".join(row[-1] for row in db.session.execute(text(f"EXPLAIN QUERY PLAN {sql}")))
        assert "SEARCH reviews_review USING INDEX ix_reviews_product_" in plan
        assert "TEMP B-TREE" not in plan
