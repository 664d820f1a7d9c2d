"""A shop's FAQ leaves through export_merchant_data and comes back identical."""

from __future__ import annotations

import pytest
from flask import current_app
from sqlalchemy import delete, select

from storefront import db
from storefront.plugins.faq.models import FaqEntry, FaqQuestion, FaqSizeGuide


@pytest.fixture
def storefront_plugins():
    return ["faq"]


def snapshot(merchant_id):
    entries = db.session.scalars(select(FaqEntry).where(FaqEntry.merchant_id == merchant_id))
    return sorted(
        (e.question, e.answer, e.category_id, e.product_id, e.topic, e.helpful) for e in entries
    )


def test_round_trip(shop, client_for):
    db.session.add_all(
        [
            FaqEntry(merchant_id=shop.alpha.id, question="Q1?", answer="A1", topic="care"),
            FaqEntry(
                merchant_id=shop.alpha.id,
                question="Q2?",
                answer="A2",
                topic="sizing",
                category_id=shop.shoes.id,
                helpful=3,
            ),
            FaqEntry(
                merchant_id=shop.alpha.id, question="Q3?", answer="A3", product_id=shop.duvet.id
            ),
            FaqSizeGuide(
                merchant_id=shop.alpha.id,
                category_id=shop.apparel.id,
                table={"columns": ["Size"], "rows": [["S"]]},
                note="n",
            ),
            FaqQuestion(merchant_id=shop.alpha.id, user_id=shop.alice.id, text="Why?"),
        ]
    )
    db.session.commit()
    before = snapshot(shop.alpha.id)
    hook = current_app.extensions["storefront"].plugins.hook
    (exported,) = [r for r in hook.export_merchant_data(merchant=shop.alpha) if r]
    for model in (FaqEntry, FaqQuestion, FaqSizeGuide):
        db.session.execute(delete(model))
    hook.import_merchant_data(merchant=shop.alpha, data={"faq": exported})
    db.session.commit()
    assert snapshot(shop.alpha.id) == before
    assert db.session.scalar(select(FaqQuestion.text)) == "Why?"
    assert db.session.scalar(select(FaqSizeGuide.note)) == "n"
    hook.import_merchant_data(merchant=shop.beta, data={})  # a shop without FAQ data
