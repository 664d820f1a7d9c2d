"""Reviews through the JSON API: summary, lists by cursor, verified writing with photos,
helpful votes, the shopper's own reviews, moderation and replies.

Every feature runs with reviews off for shoes and on for bedding; every endpoint is tried
across two shops and two shoppers.
"""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from PIL import Image
from sqlalchemy import func, select

from storefront import db
from storefront.plugins.reviews.models import Review, ReviewSummary
from storefront.testing import bearer, merchant_key


@pytest.fixture
def storefront_plugins():
    return ["reviews"]


def bought(make, shop, user, product):
    """A completed order of `product` by `user` in alpha; its item."""
    for variant in product.variants:
        variant.stock = 100
    order = make.order(shop.alpha, user, product, status="completed")
    db.session.commit()
    return order.items[0]


@pytest.fixture
def sneaker_item(make, shop):
    return bought(make, shop, shop.alice, shop.sneaker)


def write(client, user, slug="sneaker", shop_slug="alpha", **body):
    body = {"stars": 5, "text": "Fits well.", **body}
    return client.post(
        f"/api/v1/shops/{shop_slug}/products/{slug}/reviews", json=body, headers=bearer(user)
    )


def upload(client, user) -> str:
    picture = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(picture, "PNG")
    answer = client.post(
        "/api/v1/shops/alpha/uploads",
        data={"file": (io.BytesIO(picture.getvalue()), "p.png")},
        content_type="multipart/form-data",
        headers=bearer(user),
    )
    assert answer.status_code == 201
    return answer.get_json()["token"]


@pytest.fixture
def shoes_off(shop, disable_plugin):
    disable_plugin("reviews", shop.alpha, shop.shoes)


def test_only_a_buyer_reviews_and_once_per_item(client, shop, make, sneaker_item):
    refused = write(client, shop.bob)
    assert refused.status_code == 403
    assert refused.get_json()["error"]["code"] == "not_verified"
    shipped = make.order(shop.alpha, shop.bob, shop.sneaker, status="shipped")
    db.session.commit()
    assert write(client, shop.bob).status_code == 403
    assert write(client, shop.bob, order_item_id=shipped.items[0].id).status_code == 403
    written = write(client, shop.alice, title="Great", answers={"fit": "true"})
    assert written.status_code == 201
    review = written.get_json()
    assert (review["status"], review["order_item_id"]) == ("published", sneaker_item.id)
    assert review["answers"] == [
        {"question": "fit", "label": "Fit", "answer": "true", "answer_label": "True to size"}
    ]
    again = write(client, shop.alice)
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "already_reviewed"
    second = bought(make, shop, shop.alice, shop.sneaker)
    named = write(client, shop.alice, order_item_id=second.id, stars=4)
    assert named.status_code == 201 and named.get_json()["order_item_id"] == second.id
    assert write(client, shop.alice, order_item_id=second.id).status_code == 409
    other = write(client, shop.alice, order_item_id=shipped.items[0].id)
    assert other.status_code == 403 and other.get_json()["error"]["field"] == "order_item_id"
    assert db.session.scalar(select(func.count(Review.id))) == 2
    assert write(client, shop.alice, slug="sneaker", shop_slug="beta").status_code == 404
    assert client.post("/api/v1/shops/alpha/products/sneaker/reviews", json={}).status_code == 401


@pytest.mark.parametrize(
    "body, field",
    [
        ({"stars": 6}, "stars"),
        ({"stars": 0}, "stars"),
        ({"text": "   "}, "text"),
        ({"title": "x" * 121}, "title"),
        ({"answers": {"warmth": "warm"}}, "answers.warmth"),
        ({"answers": {"fit": "huge"}}, "answers.fit"),
        ({"photos": ["not-a-token"]}, "photos"),
    ],
)
def test_bad_input_names_the_field_and_writes_nothing(client, shop, sneaker_item, body, field):
    answer = write(client, shop.alice, **body)
    assert answer.status_code == 400
    assert answer.get_json()["error"]["field"] == field
    assert db.session.scalar(select(func.count(Review.id))) == 0


def test_refusals_come_in_the_shoppers_language(client, shop):
    answer = client.post(
        "/api/v1/shops/alpha/products/sneaker/reviews",
        json={"stars": 5, "text": "Nice"},
        headers={**bearer(shop.bob), "Accept-Language": "zh-CN"},
    )
    message = answer.get_json()["error"]["message"]
    assert message != "Only shoppers who received this product can review it."
    assert any("\u4e00" <= char <= "\u9fff" for char in message)


def test_photos_by_token_are_public_only_while_the_review_is(
    client, shop, sneaker_item, enable_plugin
):
    enable_plugin("reviews", shop.alpha, moderation="hold")
    tokens = [upload(client, shop.alice), upload(client, shop.alice)]
    bobs = upload(client, shop.bob)
    stolen = write(client, shop.alice, photos=[bobs])
    assert stolen.status_code == 400 and stolen.get_json()["error"]["field"] == "photos"
    written = write(client, shop.alice, photos=tokens).get_json()
    assert written["status"] == "pending" and len(written["photos"]) == 2
    url = written["photos"][0]["url"]
    assert client.get(url).status_code == 404
    key = merchant_key(shop.alpha, shop.alpha_owner, scopes=["reviews:write"])
    moderation = f"/api/v1/shops/alpha/admin/reviews/{written['id']}/moderation"
    published = client.post(moderation, json={"action": "publish"}, headers=key)
    assert published.status_code == 200 and published.get_json()["status"] == "published"
    assert client.get(url).status_code == 200
    assert db.session.get(ReviewSummary, shop.sneaker.id).with_photos == 1
    client.post(moderation, json={"action": "hide"}, headers=key)
    assert client.get(url).status_code == 404
    assert db.session.get(ReviewSummary, shop.sneaker.id).count == 0
    reused = client.put(
        f"/api/v1/shops/alpha/me/reviews/{written['id']}",
        json={"stars": 4, "text": "Again", "photos": [tokens[0]]},
        headers=bearer(shop.alice),
    )
    assert reused.status_code == 400 and reused.get_json()["error"]["field"] == "photos"


def test_summary_histogram_and_fit(client, shop, make):
    for user, stars, fit in [
        (shop.alice, 5, "small"),
        (shop.bob, 4, "small"),
        (shop.alice, 3, "small"),
    ]:
        bought(make, shop, user, shop.sneaker)
        assert write(client, user, stars=stars, answers={"fit": fit}).status_code == 201
    body = client.get("/api/v1/shops/alpha/products/sneaker/reviews/summary").get_json()
    assert (body["average"], body["count"]) == (4.0, 3)
    assert body["histogram"] == {"1": 0, "2": 0, "3": 1, "4": 1, "5": 1}
    assert body["fit"] == ["Most say it runs small"]
    fit = next(q for q in body["questions"] if q["question"] == "fit")
    assert {a["answer"]: a["count"] for a in fit["answers"]} == {
        "small": 3,
        "true": 0,
        "large": 0,
    }
    empty = client.get("/api/v1/shops/alpha/products/duvet/reviews/summary").get_json()
    assert empty["count"] == 0 and [q["question"] for q in empty["questions"]] == [
        "softness",
        "warmth",
    ]


def all_pages(client, url: str, limit: int = 5) -> list[dict]:
    seen, cursor = [], None
    while True:
        joiner = "&" if "?" in url else "?"
        suffix = f"&cursor={cursor}" if cursor else ""
        body = client.get(f"{url}{joiner}limit={limit}{suffix}").get_json()
        seen += body["items"]
        cursor = body["next_cursor"]
        if not cursor:
            return seen


def test_every_sort_pages_by_cursor_in_the_pages_order(client, shop, make):
    for n in range(12):
        bought(make, shop, shop.alice, shop.sneaker)
        assert write(client, shop.alice, stars=n % 5 + 1, title=f"R{n:02d}").status_code == 201
    reviews = db.session.scalars(select(Review)).all()
    for n, review in enumerate(reviews):
        review.helpful_count = n % 3
    db.session.commit()
    base = "/api/v1/shops/alpha/products/sneaker/reviews"
    newest = [r["title"] for r in all_pages(client, base)]
    assert newest == [f"R{n:02d}" for n in reversed(range(12))]
    lowest = [r["title"] for r in all_pages(client, f"{base}?sort=lowest")]
    assert lowest[:3] == ["R10", "R05", "R00"] and lowest[-1] == "R04"
    highest = [r["title"] for r in all_pages(client, f"{base}?sort=highest")]
    assert highest[:2] == ["R09", "R04"] and highest[-1] == "R00"
    helpful = all_pages(client, f"{base}?sort=helpful")
    assert [r["helpful"] for r in helpful] == sorted((r["helpful"] for r in helpful), reverse=True)
    for listing in (newest, lowest, highest, helpful):
        assert len(listing) == 12
    assert len({r["id"] for r in helpful}) == 12
    fives = [r["stars"] for r in all_pages(client, f"{base}?stars=5")]
    assert fives == [5, 5]
    assert client.get(f"{base}?sort=random").get_json()["error"]["field"] == "sort"
    forged = client.get(f"{base}?cursor=WyJub3QgYSB0aW1lIiwgMV0")
    assert forged.status_code == 400 and forged.get_json()["error"]["field"] == "cursor"


def test_reviews_act_only_where_they_are_on(client, shop, make, sneaker_item, disable_plugin):
    duvet = bought(make, shop, shop.alice, shop.duvet)
    sneaker_review = write(client, shop.alice).get_json()
    assert write(client, shop.alice, slug="duvet").status_code == 201
    disable_plugin("reviews", shop.alpha, shop.shoes)
    base = "/api/v1/shops/alpha/products"
    for path in ("sneaker/reviews", "sneaker/reviews/summary"):
        assert client.get(f"{base}/{path}").status_code == 404
    assert client.get(f"{base}/duvet/reviews").status_code == 200
    assert client.get(f"{base}/duvet/reviews/summary").get_json()["count"] == 1
    second = bought(make, shop, shop.alice, shop.sneaker)
    assert write(client, shop.alice, order_item_id=second.id).status_code == 404
    vote = f"/api/v1/shops/alpha/reviews/{sneaker_review['id']}/helpful"
    assert client.post(vote, headers=bearer(shop.bob)).status_code == 404
    edit = f"/api/v1/shops/alpha/me/reviews/{sneaker_review['id']}"
    assert (
        client.put(edit, json={"stars": 1, "text": "x"}, headers=bearer(shop.alice)).status_code
        == 404
    )
    mine = client.get("/api/v1/shops/alpha/me/reviews", headers=bearer(shop.alice)).get_json()
    assert {r["product"]["slug"] for r in mine["items"]} == {"sneaker", "duvet"}
    assert duvet.id in {r["order_item_id"] for r in mine["items"]}


def test_own_reviews_stay_readable_once_reviews_are_off(client, shop, sneaker_item, disable_plugin):
    review = write(client, shop.alice).get_json()
    disable_plugin("reviews", shop.alpha)
    mine = client.get("/api/v1/shops/alpha/me/reviews", headers=bearer(shop.alice))
    assert mine.status_code == 200 and [r["id"] for r in mine.get_json()["items"]] == [review["id"]]
    assert client.get("/api/v1/shops/alpha/products/duvet/reviews").status_code == 404
    edit = client.put(
        f"/api/v1/shops/alpha/me/reviews/{review['id']}",
        json={"stars": 2, "text": "Changed"},
        headers=bearer(shop.alice),
    )
    assert edit.status_code == 404


def test_helpful_once_per_shopper_never_for_oneself(client, shop, sneaker_item, enable_plugin):
    review = write(client, shop.alice).get_json()
    url = f"/api/v1/shops/alpha/reviews/{review['id']}/helpful"
    first = client.post(url, headers=bearer(shop.bob)).get_json()
    assert first == {"counted": True, "helpful": 1}
    assert client.post(url, headers=bearer(shop.bob)).get_json() == {"counted": False, "helpful": 1}
    assert client.post(url, headers=bearer(shop.alice)).get_json()["counted"] is False
    assert client.post(url).status_code == 401
    db.session.get(Review, review["id"]).status = "pending"
    db.session.commit()
    assert client.post(url, headers=bearer(shop.bob)).status_code == 404


def test_edit_and_delete_own_review_only(client, shop, sneaker_item):
    review = write(client, shop.alice, stars=5).get_json()
    url = f"/api/v1/shops/alpha/me/reviews/{review['id']}"
    body = {
        "stars": 2,
        "title": "Changed",
        "text": "Worn out",
        "photos": [upload(client, shop.alice)],
    }
    assert client.put(url, json=body, headers=bearer(shop.bob)).status_code == 404
    assert client.delete(url, headers=bearer(shop.bob)).status_code == 404
    changed = client.put(url, json=body, headers=bearer(shop.alice))
    assert changed.status_code == 200
    assert (changed.get_json()["title"], len(changed.get_json()["photos"])) == ("Changed", 1)
    assert db.session.get(ReviewSummary, shop.sneaker.id).total == 2
    stored = db.session.get(Review, review["id"])
    stored.created_at -= timedelta(days=31)
    db.session.commit()
    late = client.put(url, json=body, headers=bearer(shop.alice))
    assert late.status_code == 409 and late.get_json()["error"]["code"] == "not_editable"
    assert client.delete(url, headers=bearer(shop.alice)).status_code == 200
    assert db.session.get(ReviewSummary, shop.sneaker.id).count == 0
    assert client.delete(url, headers=bearer(shop.alice)).status_code == 404


def test_the_queue_moderation_and_replies(client, shop, make, enable_plugin):
    enable_plugin("reviews", shop.alpha, moderation="hold")
    bought(make, shop, shop.alice, shop.sneaker)
    bought(make, shop, shop.bob, shop.duvet)
    first = write(client, shop.alice).get_json()
    second = write(client, shop.bob, slug="duvet").get_json()
    key = merchant_key(shop.alpha, shop.alpha_agent, scopes=["reviews:write"])
    base = "/api/v1/shops/alpha/admin/reviews"
    queue = client.get(f"{base}?limit=1", headers=key).get_json()
    rest = client.get(f"{base}?limit=1&cursor={queue['next_cursor']}", headers=key).get_json()
    assert [r["id"] for r in queue["items"] + rest["items"]] == [first["id"], second["id"]]
    assert queue["items"][0]["hold_reason"] == "moderation"
    bad = client.post(f"{base}/{first['id']}/moderation", json={"action": "delete"}, headers=key)
    assert bad.status_code == 400 and bad.get_json()["error"]["field"] == "action"
    client.post(f"{base}/{first['id']}/moderation", json={"action": "publish"}, headers=key)
    replied = client.post(f"{base}/{first['id']}/reply", json={"text": "Thank you!"}, headers=key)
    assert replied.get_json()["reply"] == "Thank you!" and replied.get_json()["replied_at"]
    public = client.get("/api/v1/shops/alpha/products/sneaker/reviews").get_json()
    assert [(r["id"], r["reply"]) for r in public["items"]] == [(first["id"], "Thank you!")]
    published = client.get(f"{base}?status=published", headers=key).get_json()
    assert [r["id"] for r in published["items"]] == [first["id"]]
    removed = client.post(f"{base}/{first['id']}/reply", json={"text": "  "}, headers=key)
    assert removed.get_json()["reply"] is None and removed.get_json()["replied_at"] is None
    mine = client.get("/api/v1/shops/alpha/me/reviews", headers=bearer(shop.bob)).get_json()
    assert [(r["id"], r["status"]) for r in mine["items"]] == [(second["id"], "pending")]


def test_the_queue_needs_the_shops_key_with_its_scope(client, shop, sneaker_item):
    review = write(client, shop.alice).get_json()
    base = "/api/v1/shops/alpha/admin/reviews"
    beta = merchant_key(shop.beta, shop.beta_owner)
    assert client.get(base, headers=beta).status_code == 404
    hide = {"action": "hide"}
    assert (
        client.post(f"{base}/{review['id']}/moderation", json=hide, headers=beta).status_code == 404
    )
    via_beta = f"/api/v1/shops/beta/admin/reviews/{review['id']}/moderation"
    assert client.post(via_beta, json=hide, headers=beta).status_code == 404
    narrow = merchant_key(shop.alpha, shop.alpha_owner, scopes=["questions:write"])
    refused = client.get(base, headers=narrow)
    assert refused.status_code == 403 and refused.get_json()["error"]["code"] == "scope_missing"
    assert client.get(base, headers=bearer(shop.alice)).status_code == 401
    assert client.post(f"{base}/{review['id']}/reply", json={"text": "x"}).status_code == 401
    assert db.session.get(Review, review["id"]).status == "published"


@pytest.mark.parametrize("shopper", ["alice", "bob"])
@pytest.mark.parametrize("merchant", ["alpha", "beta"])
def test_isolation_matrix(client, shop, make, shopper, merchant):
    """Each shopper in each shop reaches only that shop's reviews and their own."""
    user = getattr(shop, shopper)
    other = shop.bob if shopper == "alice" else shop.alice
    bought(make, shop, other, shop.sneaker)
    theirs = write(client, other).get_json()
    headers = bearer(user)
    base = f"/api/v1/shops/{merchant}"
    assert client.get(f"{base}/me/reviews", headers=headers).get_json()["items"] == []
    mine = f"{base}/me/reviews/{theirs['id']}"
    assert client.put(mine, json={"stars": 1, "text": "x"}, headers=headers).status_code == 404
    assert client.delete(mine, headers=headers).status_code == 404
    vote = client.post(f"{base}/reviews/{theirs['id']}/helpful", headers=headers)
    assert vote.status_code == (200 if merchant == "alpha" else 404)
    listed = client.get(f"{base}/products/sneaker/reviews")
    assert listed.status_code == (200 if merchant == "alpha" else 404)
    assert write(client, user, shop_slug=merchant).status_code == (
        403 if merchant == "alpha" else 404
    )
    foreign = shop.beta if merchant == "alpha" else shop.alpha
    owner = shop.beta_owner if merchant == "alpha" else shop.alpha_owner
    key = merchant_key(foreign, owner)
    moderation = f"{base}/admin/reviews/{theirs['id']}/moderation"
    assert client.post(moderation, json={"action": "hide"}, headers=key).status_code == 404
    reply = f"/api/v1/shops/{foreign.slug}/admin/reviews/{theirs['id']}/reply"
    expected = 404 if foreign.slug == "beta" else 200
    assert client.post(reply, json={"text": "Thanks"}, headers=key).status_code == expected
    assert db.session.get(Review, theirs["id"]).status == "published"


def test_a_review_takes_six_photos_in_all(client, shop, sneaker_item):
    tokens = [upload(client, shop.alice) for _ in range(6)]
    review = write(client, shop.alice, photos=tokens).get_json()
    assert len(review["photos"]) == 6
    full = client.put(
        f"/api/v1/shops/alpha/me/reviews/{review['id']}",
        json={"stars": 4, "text": "More", "photos": [upload(client, shop.alice)]},
        headers=bearer(shop.alice),
    )
    assert full.status_code == 400
    assert full.get_json()["error"] == {
        "code": "invalid",
        "field": "photos",
        "message": "This review can take 0 more photos.",
    }
    seven = write(client, shop.alice, photos=["t"] * 7)
    assert seven.status_code == 400 and seven.get_json()["error"]["field"] == "photos"
