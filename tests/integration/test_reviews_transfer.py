"""Reviews travel with a shop by order number, SKU and email, and summaries are rebuilt."""

from __future__ import annotations

import pytest
from flask import current_app
from sqlalchemy import delete, select

from storefront import db
from storefront.plugins.reviews.models import Review, ReviewSummary


@pytest.fixture
def storefront_plugins():
    return ["reviews"]


def test_round_trip(shop, make, client_for):
    order = make.order(shop.alpha, shop.alice, shop.sneaker, status="completed")
    db.session.commit()
    client_for(shop.alice).post(
        f"/shop/alpha/reviews/write/{order.items[0].id}",
        data={"stars": "4", "title": "Nice", "body": "Fits", "q_fit": "true"},
    )
    hook = current_app.extensions["storefront"].plugins.hook
    (exported,) = [r for r in hook.export_merchant_data(merchant=shop.alpha) if r]
    db.session.execute(delete(Review))
    db.session.execute(delete(ReviewSummary))
    hook.import_merchant_data(merchant=shop.alpha, data={"reviews": exported})
    db.session.commit()
    review = db.session.scalar(select(Review))
    assert (review.stars, review.title, review.answers) == (4, "Nice", {"fit": "true"})
    assert db.session.get(ReviewSummary, shop.sneaker.id).count == 1
