"""The merchant's review figures: queue tab counts and the dashboard card, right and bounded."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import insert, select

from storefront import OrderItem, db, utcnow
from storefront.plugins.reviews import dashboard
from storefront.plugins.reviews.models import Review
from storefront.plugins.reviews.queries import COUNT_CAP
from storefront.plugins.reviews.rules import refresh_summary


@pytest.fixture
def storefront_plugins():
    return ["reviews"]


def add_reviews(make, merchant, user, product, specs: list[dict]) -> None:
    """One review per spec (its fields over published 5-star defaults), then the summary.

    Rows go straight in, each on an order item of its own: the unique (order item) rule
    holds and a thousand reviews take a moment.
    """
    template = make.order(merchant, user, product, status="completed").items[0]
    start = db.session.scalar(select(OrderItem.id).order_by(OrderItem.id.desc()))
    db.session.execute(
        insert(OrderItem),
        [
            {
                "order_id": template.order_id,
                "product_id": product.id,
                "variant_id": template.variant_id,
                "product_name": product.name,
                "sku": f"ADD-{start}-{n}",
                "quantity": 1,
                "unit_price_minor": 100,
            }
            for n in range(len(specs))
        ],
    )
    items = db.session.scalars(
        select(OrderItem.id).where(OrderItem.id > start).order_by(OrderItem.id)
    ).all()
    now = utcnow()
    defaults = {"stars": 5, "status": "published", "title": "Review", "body": "", "answers": {}}
    db.session.execute(
        insert(Review),
        [
            {
                **defaults,
                "merchant_id": merchant.id,
                "product_id": product.id,
                "order_item_id": item,
                "user_id": user.id,
                "created_at": now - timedelta(minutes=n),
                "updated_at": now,
                **spec,
            }
            for n, (item, spec) in enumerate(zip(items, specs, strict=True))
        ],
    )
    refresh_summary(product.id, merchant.id)
    db.session.commit()


def tabs(owner_client) -> dict[str, str]:
    """The queue's tab labels as shown, e.g. {"Waiting": "(2)", "Hidden": ""}."""
    page = owner_client.get("/admin/alpha/reviews/").text
    nav = re.search(r'<nav class="scope-tabs".*?</nav>', page, re.S).group(0)
    found = re.findall(r"<a [^>]*>([^(<]+?)(?: \((.*?)\))?</a>", nav)
    return {label.strip(): count for label, count in found}


def card(owner_client, testid: str) -> str:
    page = owner_client.get("/admin/alpha/").text
    return re.search(
        rf'data-testid="{testid}"><span class="figure">(.*?)</span><span>', page
    ).group(1)


def test_queue_tabs_count_each_status_of_this_shop_only(shop, make, owner_client):
    add_reviews(
        make,
        shop.alpha,
        shop.alice,
        shop.sneaker,
        [{"status": "pending"}] * 2 + [{"status": "published"}] * 3,
    )
    add_reviews(make, shop.alpha, shop.bob, shop.duvet, [{"status": "published"}])
    add_reviews(make, shop.beta, shop.alice, shop.beta_quilt, [{"status": "hidden"}] * 4)
    shown = tabs(owner_client)
    # Published comes from the summaries of both products; no hidden review: no count.
    assert shown == {
        "Waiting": "2",
        "Published": "4",
        "Hidden": "",
        "Bad reviews to follow up": "",
    }


def test_queue_counts_to_the_cap_then_shows_more_than(shop, make, owner_client):
    add_reviews(make, shop.alpha, shop.alice, shop.sneaker, [{"status": "pending"}] * COUNT_CAP)
    assert tabs(owner_client)["Waiting"] == str(COUNT_CAP)
    add_reviews(make, shop.alpha, shop.bob, shop.duvet, [{"status": "pending"}])
    waiting = tabs(owner_client)["Waiting"]
    assert waiting == f'<span title="More than {COUNT_CAP}">{COUNT_CAP}+</span>'


def test_negative_tab_lists_bad_reviews_still_to_follow_up(shop, make, owner_client):
    add_reviews(
        make,
        shop.alpha,
        shop.alice,
        shop.sneaker,
        [
            {"stars": 1, "title": "Open one", "follow_up": "open"},
            {"stars": 2, "title": "Called her", "follow_up": "contacted", "status": "hidden"},
            {"stars": 1, "title": "Sorted out", "follow_up": "resolved"},
            {"stars": 1, "title": "Never flagged", "follow_up": None},
            {"stars": 4, "title": "Happy enough", "follow_up": "open"},
        ],
    )
    page = owner_client.get("/admin/alpha/reviews/?show=negative").text
    assert "Open one" in page and "Called her" in page
    assert not any(t in page for t in ("Sorted out", "Never flagged", "Happy enough"))


def test_dashboard_card_averages_the_two_windows(shop, make, owner_client):
    now = utcnow()
    recent = [{"stars": s, "created_at": now - timedelta(days=1)} for s in (5, 4, 4)]
    before = [{"stars": s, "created_at": now - timedelta(days=40)} for s in (3, 4)]
    older = [{"stars": 1, "created_at": now - timedelta(days=90)}]
    hidden = [{"stars": 1, "status": "hidden", "created_at": now - timedelta(days=1)}]
    add_reviews(make, shop.alpha, shop.alice, shop.sneaker, recent + before + older + hidden)
    add_reviews(make, shop.beta, shop.alice, shop.beta_quilt, [{"stars": 1}])
    assert card(owner_client, "reviews-average") == "4.3 <small>▲ 3.5</small>"


def test_dashboard_averages_read_only_the_newest_sample(shop, make, owner_client, monkeypatch):
    """A window with more reviews than SAMPLE is judged on its newest ones."""
    monkeypatch.setattr(dashboard, "SAMPLE", 2)
    add_reviews(
        make, shop.alpha, shop.alice, shop.sneaker, [{"stars": 5}, {"stars": 4}, {"stars": 1}]
    )
    assert card(owner_client, "reviews-average") == "4.5"


def test_dashboard_counts_bad_reviews_without_reply_still_to_follow_up(
    shop, make, owner_client, enable_plugin
):
    enable_plugin("reviews", shop.alpha, alert_threshold=2)
    counted = [{"stars": 1, "follow_up": "open"}, {"stars": 2, "follow_up": "contacted"}]
    not_counted = [
        {"stars": 1, "follow_up": "resolved"},
        {"stars": 1, "follow_up": "open", "reply": "Sorry, we will call you."},
        {"stars": 1, "follow_up": "open", "status": "hidden"},
        {"stars": 3, "follow_up": "open"},
        {"stars": 1, "follow_up": None},
    ]
    add_reviews(make, shop.alpha, shop.alice, shop.sneaker, counted + not_counted)
    add_reviews(make, shop.beta, shop.alice, shop.beta_quilt, [{"stars": 1, "follow_up": "open"}])
    assert card(owner_client, "reviews-negative") == "2"


def test_dashboard_names_a_product_whose_recent_ratings_fall(shop, make, owner_client):
    now = utcnow()
    old = [{"stars": 5, "created_at": now - timedelta(days=100)}] * 6
    recent = [{"stars": 2, "created_at": now - timedelta(days=2)}] * 3
    add_reviews(make, shop.alpha, shop.alice, shop.sneaker, old + recent)
    add_reviews(make, shop.alpha, shop.bob, shop.duvet, [{"stars": 4}] * 3)
    page = owner_client.get("/admin/alpha/").text
    falling = re.search(r"Ratings falling</span><ul>(.*?)</ul>", page, re.S).group(1)
    assert "Leather Sneaker</a> 2.0 (4.0)" in falling and "Duvet" not in falling
