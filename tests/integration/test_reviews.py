"""Reviews through the test client: verified purchase, moderation, summary, isolation."""

from __future__ import annotations

import io
import json
import re

import pytest
from PIL import Image
from sqlalchemy import func, select

from storefront import Notification, db
from storefront.plugins.reviews.models import Review, ReviewInvitation, ReviewSummary


@pytest.fixture
def storefront_plugins():
    return ["reviews"]


@pytest.fixture
def bought(shop, make):
    """Alice's completed order for the sneaker, and Bob's for the duvet."""
    alice = make.order(shop.alpha, shop.alice, shop.sneaker, status="completed")
    bob = make.order(shop.alpha, shop.bob, shop.duvet, status="completed")
    db.session.commit()
    return alice.items[0], bob.items[0]


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 100, 50)).save(out, format="PNG")
    return out.getvalue()


def write(client, item, stars="5", title="Great", body="Fits well.", **extra):
    data = {"stars": stars, "title": title, "body": body, **extra}
    return client.post(
        f"/shop/alpha/reviews/write/{item.id}", data=data, content_type="multipart/form-data"
    )


def test_only_the_buyer_of_a_completed_order_can_review(shop, make, bought, client_for):
    sneaker_item, duvet_item = bought
    alice, bob = client_for(shop.alice), client_for(shop.bob)
    assert bob.get(f"/shop/alpha/reviews/write/{sneaker_item.id}").status_code == 404
    open_order = make.order(shop.alpha, shop.alice, shop.tee, status="shipped")
    db.session.commit()
    assert alice.get(f"/shop/alpha/reviews/write/{open_order.items[0].id}").status_code == 404
    assert write(alice, sneaker_item).status_code == 302
    write(alice, sneaker_item, title="Changed my mind")  # edits, does not add
    assert db.session.scalar(select(func.count(Review.id))) == 1
    assert db.session.scalar(select(Review.title)) == "Changed my mind"


def test_published_review_shows_with_badge_summary_fit_and_json_ld(
    shop, bought, client_for, client
):
    write(client_for(shop.alice), bought[0], stars="4", q_fit="small", q_comfort="high")
    page = client.get("/shop/alpha/p/sneaker").text
    assert "Verified purchase" in page and "Runs small" in page
    assert 'class="rating-badge"' in page
    data = json.loads(
        re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S).group(1)
    )
    assert data["aggregateRating"] == {
        "@type": "AggregateRating",
        "ratingValue": 4.0,
        "reviewCount": 1,
    }
    listing = client.get("/shop/alpha/c/shoes").text
    assert "4.0" in listing and "(1)" in listing


@pytest.mark.parametrize("stars", ["0", "6", "", "abc"])
def test_bad_stars_are_a_form_error(shop, bought, client_for, stars):
    page = write(client_for(shop.alice), bought[0], stars=stars)
    assert page.status_code == 200
    assert "Choose from 1 to 5 stars." in page.text or "Not a valid choice" in page.text
    assert db.session.scalar(select(func.count(Review.id))) == 0


def test_photos_are_checked_and_kept(shop, bought, client_for):
    alice = client_for(shop.alice)
    bad = write(alice, bought[0], photos=[(io.BytesIO(b"not an image"), "x.png")])
    assert bad.status_code == 200 and "error" in bad.text
    assert db.session.scalar(select(func.count(Review.id))) == 0
    write(alice, bought[0], photos=[(io.BytesIO(png()), "a.png"), (io.BytesIO(png()), "b.png")])
    review = db.session.scalar(select(Review))
    assert review.photo_count == 2
    assert db.session.get(ReviewSummary, review.product_id).with_photos == 1


@pytest.mark.parametrize(
    "config, text, reason",
    [
        ({"moderation": "hold"}, "Nice", "moderation"),
        ({}, "see www.cheap-shoes.com", "link"),
        ({"banned_words": "scam, fake"}, "a total SCAM", "banned_word"),
        ({"hold_low_stars": 2}, "meh", "low_rating"),
    ],
)
def test_moderation_holds_reviews(
    shop, bought, client_for, client, enable_plugin, config, text, reason
):
    enable_plugin("reviews", shop.alpha, **config)
    write(client_for(shop.alice), bought[0], stars="2", body=text)
    review = db.session.scalar(select(Review))
    assert (review.status, review.hold_reason) == ("pending", reason)
    assert text not in client.get("/shop/alpha/p/sneaker/reviews").text
    summary = db.session.get(ReviewSummary, review.product_id)
    assert summary is None or summary.count == 0


def test_merchant_publishes_replies_and_the_summary_follows(
    shop, bought, client_for, owner_client, client, enable_plugin
):
    enable_plugin("reviews", shop.alpha, moderation="hold")
    write(client_for(shop.alice), bought[0], stars="3", body="Okay <script>x</script>")
    review = db.session.scalar(select(Review))
    owner_client.post(f"/admin/alpha/reviews/{review.id}/status", data={"status": "published"})
    owner_client.post(
        f"/admin/alpha/reviews/{review.id}", data={"reply": "Thank you!", "note": "VIP"}
    )
    page = client.get("/shop/alpha/p/sneaker/reviews").text
    assert "Thank you!" in page and "VIP" not in page
    assert "<script>x</script>" not in page and "&lt;script&gt;x" in page
    assert db.session.get(ReviewSummary, review.product_id).count == 1
    owner_client.post(f"/admin/alpha/reviews/{review.id}/status", data={"status": "hidden"})
    assert db.session.get(ReviewSummary, review.product_id).count == 0


def test_low_rating_alerts_the_staff_with_a_link(shop, bought, client_for):
    write(client_for(shop.alice), bought[0], stars="1", body="Fell apart")
    alerts = db.session.scalars(
        select(Notification).where(Notification.kind == "reviews.low_rating")
    ).all()
    assert {a.user_id for a in alerts} == {shop.alpha_owner.id, shop.alpha_agent.id}
    assert "/admin/alpha/reviews/" in alerts[0].link
    assert db.session.scalar(select(Review.follow_up)) == "open"


def test_shoppers_cannot_touch_each_others_reviews(shop, bought, client_for):
    write(client_for(shop.alice), bought[0])
    review = db.session.scalar(select(Review))
    bob = client_for(shop.bob)
    assert bob.post(f"/shop/alpha/reviews/{review.id}/delete").status_code == 404
    assert bob.get(f"/shop/alpha/reviews/write/{bought[0].id}").status_code == 404
    assert "Great" not in bob.get("/shop/alpha/account/reviews").text
    assert db.session.scalar(select(func.count(Review.id))) == 1


def test_other_shops_staff_cannot_moderate(shop, bought, client_for):
    write(client_for(shop.alice), bought[0])
    review = db.session.scalar(select(Review))
    beta = client_for(shop.beta_owner)
    assert (
        beta.post(f"/admin/beta/reviews/{review.id}/status", data={"status": "hidden"}).status_code
        == 404
    )
    assert beta.get(f"/admin/beta/reviews/{review.id}").status_code == 404
    assert db.session.get(Review, review.id).status == "published"


def test_helpful_votes_once_and_not_for_yourself(shop, bought, client_for):
    write(client_for(shop.alice), bought[0])
    review = db.session.scalar(select(Review))
    bob = client_for(shop.bob)
    bob.post(f"/shop/alpha/reviews/{review.id}/helpful")
    bob.post(f"/shop/alpha/reviews/{review.id}/helpful")
    client_for(shop.alice).post(f"/shop/alpha/reviews/{review.id}/helpful")
    assert db.session.get(Review, review.id).helpful_count == 1


def test_delete_updates_the_summary(shop, bought, client_for):
    alice = client_for(shop.alice)
    write(alice, bought[0], stars="5")
    review = db.session.scalar(select(Review))
    alice.post(f"/shop/alpha/reviews/{review.id}/delete")
    assert db.session.get(ReviewSummary, shop.sneaker.id).count == 0


def test_invitation_when_the_order_completes_and_never_twice(shop, make, deliver_events):
    order = make.order(shop.alpha, shop.alice, shop.sneaker, status="completed")
    db.session.commit()
    deliver_events()
    invites = db.session.scalars(
        select(Notification).where(Notification.kind == "reviews.invite")
    ).all()
    assert len(invites) == 1 and f"/reviews/write/{order.items[0].id}" in invites[0].link
    assert db.session.scalar(select(ReviewInvitation.sent_at)) is not None


def test_list_filters_sort_and_paginate_from_the_summary(
    shop, make, client_for, client, enable_plugin
):
    enable_plugin("reviews", shop.alpha, per_page=5)
    for variant in shop.sneaker.variants:
        variant.stock = 100
    for n in range(12):
        order = make.order(shop.alpha, shop.alice, shop.sneaker, status="completed")
        db.session.commit()
        write(
            client_for(shop.alice), order.items[0], stars=str(n % 5 + 1), title=f"Review R{n:02d}"
        )
    page = client.get("/shop/alpha/p/sneaker/reviews?stars=5").text
    assert page.count('class="review"') == 2
    lowest = client.get("/shop/alpha/p/sneaker/reviews?sort=lowest").text
    assert "Page 1 of 3" in lowest
    assert lowest.index("Review R10") < lowest.index("Review R00") < lowest.index("Review R11")
    last = client.get("/shop/alpha/p/sneaker/reviews?page=999").text
    assert "Page 3 of 3" in last
