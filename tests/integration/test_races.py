"""Parallel requests against `storefront serve --workers 3`: each unit returned once, each vote
counted once.

A check in Python followed by a write lets every one of several requests sent together see
the same state: ten return requests for the last unit all found it free, twenty votes read
the same counter and wrote it back plus one. Only separate processes with their own
database connections show it, so these tests drive the production server over HTTP, every
browser signed in through the form and posting with its own CSRF token.
"""

from __future__ import annotations

import html
import re

import pytest
from sqlalchemy import func, select

from storefront import db
from storefront.plugins.faq.models import FaqEntry, FaqVote
from storefront.plugins.returns.models import ReturnItem, ReturnRequest
from storefront.plugins.reviews.models import Review, ReviewVote
from tests.live_server import Browser, at_once

RETURN_REQUESTS = 10
VOTERS = 20
REPEATS = 10


def signed_in(base: str, users, password: str) -> list[Browser]:
    return [Browser(base).sign_in(user.email, password) for user in users]


def post_together(browsers: list[Browser], path: str, forms: list[dict]):
    """Each browser posts its form to `path`, all released at the same moment."""
    return at_once([lambda b=b, f=f: b.post(path, f) for b, f in zip(browsers, forms, strict=True)])


def form_errors(answer) -> list[str]:
    """The messages a form page shows above the form."""
    return [
        html.unescape(m) for m in re.findall(r'class="flash flash-error">([^<]*)<', answer.text)
    ]


def statuses(answers) -> list[int]:
    return [answer.status_code for answer in answers]


# -- returns ------------------------------------------------------------------------------


@pytest.fixture
def last_unit(shop, make):
    """Alice's delivered order of two sneakers, one of them already being returned."""
    order = make.order(shop.alpha, shop.alice, shop.sneaker, status="completed", quantity=2)
    item = order.items[0]
    db.session.add(
        ReturnRequest(
            merchant_id=shop.alpha.id,
            order_id=order.id,
            user_id=shop.alice.id,
            rma="RMA-20260101-FRST",
            kind="refund",
            reason="wrong_size",
            items=[ReturnItem(order_item_id=item.id, quantity=1)],
        )
    )
    db.session.commit()
    return order, item


def returned(item_id: int) -> int:
    db.session.expire_all()
    return db.session.scalar(
        select(func.coalesce(func.sum(ReturnItem.quantity), 0)).where(
            ReturnItem.order_item_id == item_id
        )
    )


def test_ten_requests_for_the_last_unit_make_one_rma(shop, last_unit, live_storefront):
    order, item = last_unit
    path = f"/shop/alpha/account/orders/{order.number}/return"
    browsers = signed_in(live_storefront, [shop.alice] * RETURN_REQUESTS, shop.password)
    forms = [
        {
            "csrf_token": b.token(path),
            f"qty-{item.id}": "1",
            "reason": "wrong_size",
            "kind": "refund",
        }
        for b in browsers
    ]

    answers = post_together(browsers, path, forms)

    codes = statuses(answers)
    assert codes.count(302) == 1, codes
    assert codes.count(200) == RETURN_REQUESTS - 1, codes  # the form again, with the reason
    for answer in answers:
        if answer.status_code == 200:
            assert form_errors(answer) == ["Leather Sneaker has already been returned."]
    assert returned(item.id) == item.quantity == 2
    assert db.session.scalar(select(func.count(ReturnRequest.id))) == 2


def test_parallel_requests_take_only_what_is_left(shop, make, live_storefront):
    """Three units, three requests of two each: the first gets two, the others are told."""
    order = make.order(shop.alpha, shop.alice, shop.sneaker, status="completed", quantity=3)
    item = order.items[0]
    db.session.commit()
    path = f"/shop/alpha/account/orders/{order.number}/return"
    browsers = signed_in(live_storefront, [shop.alice] * 3, shop.password)
    forms = [
        {
            "csrf_token": b.token(path),
            f"qty-{item.id}": "2",
            "reason": "wrong_size",
            "kind": "refund",
        }
        for b in browsers
    ]

    answers = post_together(browsers, path, forms)

    codes = statuses(answers)
    assert codes.count(302) == 1 and codes.count(200) == 2, codes
    for answer in answers:
        if answer.status_code == 200:
            assert form_errors(answer) == [
                "Leather Sneaker: only 1 can still be returned; "
                "the others have already been returned."
            ]
    assert returned(item.id) == 2


# -- review votes -------------------------------------------------------------------------


@pytest.fixture
def published_review(shop, make):
    order = make.order(shop.alpha, shop.alice, shop.sneaker, status="completed")
    review = Review(
        merchant_id=shop.alpha.id,
        product_id=shop.sneaker.id,
        order_item_id=order.items[0].id,
        user_id=shop.alice.id,
        stars=5,
        title="Great",
        body="Fits well.",
        status="published",
    )
    db.session.add(review)
    db.session.commit()
    return review


def review_votes(review_id: int) -> tuple[int, int]:
    db.session.expire_all()
    rows = db.session.scalar(
        select(func.count(ReviewVote.id)).where(ReviewVote.review_id == review_id)
    )
    return db.session.get(Review, review_id).helpful_count, rows


def vote_for_review(browsers: list[Browser], review: Review):
    path = f"/shop/alpha/reviews/{review.id}/helpful"
    forms = [{"csrf_token": b.token("/shop/alpha/p/sneaker/reviews")} for b in browsers]
    return post_together(browsers, path, forms)


def test_twenty_shoppers_voting_at_once_count_twenty(shop, make, published_review, live_storefront):
    voters = [make.user() for _ in range(VOTERS)]
    db.session.commit()
    browsers = signed_in(live_storefront, voters, shop.password)

    answers = vote_for_review(browsers, published_review)

    assert statuses(answers) == [302] * VOTERS
    assert review_votes(published_review.id) == (VOTERS, VOTERS)


def test_one_shopper_voting_ten_times_at_once_counts_once(shop, published_review, live_storefront):
    browsers = signed_in(live_storefront, [shop.bob] * REPEATS, shop.password)

    answers = vote_for_review(browsers, published_review)

    assert statuses(answers) == [302] * REPEATS  # the answer of a repeated vote, never a 500
    assert review_votes(published_review.id) == (1, 1)


# -- FAQ votes ----------------------------------------------------------------------------


@pytest.fixture
def answer(shop):
    row = FaqEntry(
        merchant_id=shop.alpha.id, topic="care", question="Can I wash it?", answer="At 40°C."
    )
    row.index_text()
    db.session.add(row)
    db.session.commit()
    return row


def faq_votes(entry_id: int) -> tuple[int, int, int, int]:
    db.session.expire_all()
    entry = db.session.get(FaqEntry, entry_id)
    rows = dict(
        db.session.execute(
            select(FaqVote.helpful, func.count(FaqVote.id))
            .where(FaqVote.entry_id == entry_id)
            .group_by(FaqVote.helpful)
        ).all()
    )
    return entry.helpful, rows.get(True, 0), entry.not_helpful, rows.get(False, 0)


def vote_on_answer(browsers: list[Browser], entry: FaqEntry, choices: list[str]):
    path = f"/shop/alpha/help/{entry.id}/vote"
    forms = [
        {"csrf_token": b.token("/shop/alpha/help"), "helpful": choice, "next": "/"}
        for b, choice in zip(browsers, choices, strict=True)
    ]
    return post_together(browsers, path, forms)


def test_twenty_shoppers_rating_an_answer_at_once_count_twenty(shop, make, answer, live_storefront):
    voters = [make.user() for _ in range(VOTERS)]
    db.session.commit()
    browsers = signed_in(live_storefront, voters, shop.password)
    choices = ["yes"] * 12 + ["no"] * 8

    answers = vote_on_answer(browsers, answer, choices)

    assert statuses(answers) == [302] * VOTERS
    assert faq_votes(answer.id) == (12, 12, 8, 8)


def test_one_shopper_rating_ten_times_at_once_counts_once(shop, answer, live_storefront):
    browsers = signed_in(live_storefront, [shop.bob] * REPEATS, shop.password)

    answers = vote_on_answer(browsers, answer, ["yes"] * REPEATS)

    assert statuses(answers) == [302] * REPEATS
    assert faq_votes(answer.id) == (1, 1, 0, 0)


def test_one_guest_browser_rating_ten_times_at_once_counts_once(answer, live_storefront):
    """A guest votes as their browser's token: ten tabs of it sharing the cookie, one vote."""
    browsers = [Browser(live_storefront) for _ in range(REPEATS)]
    for browser in browsers:
        browser.http.cookies.set("faq_voter", "a1" * 16)

    answers = vote_on_answer(browsers, answer, ["no"] * REPEATS)

    assert statuses(answers) == [302] * REPEATS
    assert faq_votes(answer.id) == (0, 0, 1, 1)
