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
from storefront.plugins.returns.models import ReturnItem, ReturnRequest
from tests.live_server import Browser, at_once

RETURN_REQUESTS = 10


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
