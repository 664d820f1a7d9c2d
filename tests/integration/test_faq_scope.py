"""The FAQ acts only where it is on for the product or category an answer or question is about.

Every case runs with the FAQ off for one category and on for another; a shopper's own
questions stay readable after the FAQ is switched off or hidden, and only to them.
"""

from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import func, select

from storefront import Notification, db
from storefront.plugin_settings import set_platform
from storefront.plugins.faq.models import FaqEntry, FaqQuestion


@pytest.fixture
def storefront_plugins():
    return ["faq"]


def entry(merchant, question, topic="care", category=None, product=None) -> FaqEntry:
    row = FaqEntry(
        merchant_id=merchant.id,
        category_id=category.id if category else None,
        product_id=product.id if product else None,
        topic=topic,
        question=question,
        answer="An answer about linen and leather.",
    )
    row.index_text()
    db.session.add(row)
    db.session.commit()
    return row


@pytest.fixture
def answers(shop):
    """One answer about each of: the shop, bedding, the duvet, shoes, the sneaker."""
    return {
        "shop": entry(shop.alpha, "Shop question?"),
        "bedding": entry(shop.alpha, "Bedding question?", category=shop.bedding),
        "duvet": entry(shop.alpha, "Duvet question?", product=shop.duvet),
        "shoes": entry(shop.alpha, "Shoes question?", category=shop.shoes),
        "sneaker": entry(shop.alpha, "Sneaker question?", product=shop.sneaker),
    }


@pytest.fixture(params=["off_for_shoes", "on_for_bedding_only"])
def faq_for_bedding_not_shoes(request, shop, enable_plugin, disable_plugin):
    """The FAQ on for bedding and off for shoes, said either way round."""
    if request.param == "off_for_shoes":
        disable_plugin("faq", shop.alpha, shop.shoes)
    else:
        disable_plugin("faq", shop.alpha)
        enable_plugin("faq", shop.alpha, shop.bedding)
    return request.param


def shown(page: str, answers: dict) -> set[str]:
    return {name for name, row in answers.items() if row.question in page}


def json_ld_questions(page: str) -> set[str]:
    raw = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S).group(1)
    return {item["name"] for item in json.loads(raw)["mainEntity"]}


def test_product_answers_and_size_guides_answer_where_the_faq_is_on(
    shop, client, answers, faq_for_bedding_not_shoes
):
    assert client.get("/shop/alpha/p/sneaker/answers").status_code == 404
    assert client.get("/shop/alpha/size-guide/shoes").status_code == 404
    duvet = client.get("/shop/alpha/p/duvet/answers")
    assert duvet.status_code == 200 and "Duvet question?" in duvet.text
    assert "220 × 240" in client.get("/shop/alpha/size-guide/bedding").text


def test_the_help_centre_leaves_out_answers_about_shoes(
    shop, client, answers, faq_for_bedding_not_shoes
):
    help_page = client.get("/shop/alpha/help").text
    assert shown(help_page, answers) == {"shop", "bedding"}  # product answers: search only
    assert json_ld_questions(help_page) == {"Shop question?", "Bedding question?"}
    found = client.get("/shop/alpha/help?q=question").text
    assert shown(found, answers) == {"shop", "bedding", "duvet"}
    assert "3 answers for" in found
    topic = client.get("/shop/alpha/help/topic/care").text
    assert shown(topic, answers) == {"shop", "bedding"}
    suggested = client.get("/shop/alpha/help/suggest?q=question").json["results"]
    assert {r["question"] for r in suggested} == {
        "Shop question?",
        "Bedding question?",
        "Duvet question?",
    }


def test_the_help_centre_shows_every_answer_where_the_faq_is_on_everywhere(shop, client, answers):
    found = client.get("/shop/alpha/help?q=question").text
    assert shown(found, answers) == set(answers)


def test_a_topic_of_shoe_answers_only_is_not_found_where_shoes_have_no_faq(
    shop, client, disable_plugin
):
    entry(shop.alpha, "Paying for shoes?", topic="payment", category=shop.shoes)
    assert client.get("/shop/alpha/help/topic/payment").status_code == 200
    disable_plugin("faq", shop.alpha, shop.shoes)
    assert client.get("/shop/alpha/help/topic/payment").status_code == 404


def test_votes_count_only_where_the_faq_is_on(shop, client, answers, faq_for_bedding_not_shoes):
    def vote(row: FaqEntry) -> int:
        return client.post(f"/shop/alpha/help/{row.id}/vote", data={"helpful": "yes"}).status_code

    assert vote(answers["sneaker"]) == 404
    assert vote(answers["shoes"]) == 404
    assert vote(answers["duvet"]) == 302
    assert vote(answers["shop"]) == 302  # shown on the help centre, so it can be rated there
    helpful = dict(db.session.execute(select(FaqEntry.question, FaqEntry.helpful)).all())
    assert helpful == {
        "Shop question?": 1,
        "Bedding question?": 0,
        "Duvet question?": 1,
        "Shoes question?": 0,
        "Sneaker question?": 0,
    }


def test_a_question_about_shoes_is_refused_where_the_faq_is_off(
    shop, client_for, faq_for_bedding_not_shoes
):
    alice = client_for(shop.alice)
    refused = alice.post("/shop/alpha/p/sneaker/questions", data={"text": "Waterproof?"})
    assert refused.status_code == 404
    assert db.session.scalar(select(func.count(FaqQuestion.id))) == 0
    asked = alice.post("/shop/alpha/p/duvet/questions", data={"text": "Does it crease?"})
    assert asked.status_code == 302
    assert db.session.scalars(select(FaqQuestion.text)).all() == ["Does it crease?"]


def ask_and_answer(shop, client_for, owner_client) -> str:
    """Alice asks about the sneaker, the shop answers; returns the link her message carries."""
    client_for(shop.alice).post("/shop/alpha/p/sneaker/questions", data={"text": "Waterproof?"})
    question = db.session.scalar(select(FaqQuestion))
    owner_client.post(
        f"/admin/alpha/faq/questions/{question.id}/answer",
        data={"answer": "Splash-proof, not waterproof."},
    )
    note = db.session.scalar(select(Notification).where(Notification.kind == "faq.answered"))
    return note.link


def test_the_answered_message_leads_to_the_question_and_its_answer(shop, client_for, owner_client):
    link = ask_and_answer(shop, client_for, owner_client)
    page = client_for(shop.alice).get(link)
    assert page.status_code == 200
    assert "Waterproof?" in page.text and "Splash-proof, not waterproof." in page.text
    assert 'data-testid="no-longer-offered"' not in page.text


@pytest.mark.parametrize("how", ["shoes", "shop", "hidden"])
def test_answered_questions_stay_readable_after_the_faq_is_off(
    how, shop, client_for, owner_client, disable_plugin
):
    link = ask_and_answer(shop, client_for, owner_client)
    if how == "shoes":
        disable_plugin("faq", shop.alpha, shop.shoes)
    elif how == "shop":
        disable_plugin("faq", shop.alpha)
    else:
        set_platform("faq", available=False, enabled=None, actor=None)
        db.session.commit()
    alice, bob = client_for(shop.alice), client_for(shop.bob)
    page = alice.get(link)
    assert page.status_code == 200
    assert "Splash-proof, not waterproof." in page.text
    assert 'data-testid="no-longer-offered"' in page.text
    mine = alice.get("/shop/alpha/account/questions")
    assert mine.status_code == 200 and "Splash-proof, not waterproof." in mine.text
    # Off for shoes only, the shop still offers the FAQ for bedding: the list does not say
    # otherwise; off everywhere, it does.
    assert ('data-testid="no-longer-offered"' in mine.text) == (how != "shoes")
    assert bob.get(link).status_code == 404
    assert "Waterproof?" not in bob.get("/shop/alpha/account/questions").text
    assert alice.post("/shop/alpha/p/sneaker/questions", data={"text": "Again?"}).status_code == 404


def test_a_question_page_is_its_askers_only(shop, client_for):
    alice, bob = client_for(shop.alice), client_for(shop.bob)
    alice.post("/shop/alpha/p/duvet/questions", data={"text": "Does it crease?"})
    question = db.session.scalar(select(FaqQuestion))
    assert "Does it crease?" in alice.get(f"/shop/alpha/account/questions/{question.id}").text
    assert bob.get(f"/shop/alpha/account/questions/{question.id}").status_code == 404
    assert (
        client_for(shop.beta_owner).get(f"/shop/beta/account/questions/{question.id}").status_code
        == 404
    )


def test_help_page_queries_stay_flat_with_the_faq_off_for_a_category(
    shop, client, count_queries, disable_plugin
):
    disable_plugin("faq", shop.alpha, shop.shoes)

    def queries() -> int:
        client.get("/shop/alpha/help?q=question")
        with count_queries() as counter:
            assert client.get("/shop/alpha/help?q=question").status_code == 200
        return counter.count

    entry(shop.alpha, "Bedding question?", category=shop.bedding)
    few = queries()
    for n in range(20):
        entry(shop.alpha, f"Shoes question {n}?", category=shop.shoes)
        entry(shop.alpha, f"Sneaker question {n}?", product=shop.sneaker)
    assert queries() == few
