"""The FAQ plugin through the test client: ordering, search, votes, questions, isolation."""

from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import func, select

from storefront import Notification, db
from storefront.plugins.faq.help_centre import TOPIC_PREVIEW
from storefront.plugins.faq.models import FaqEntry, FaqQuestion, FaqVote


@pytest.fixture
def storefront_plugins():
    return ["faq"]


def entry(merchant, question, answer="An answer.", topic="care", category=None, product=None, **kw):
    row = FaqEntry(
        merchant_id=merchant.id,
        category_id=category.id if category else None,
        product_id=product.id if product else None,
        topic=topic,
        question=question,
        answer=answer,
        **kw,
    )
    row.index_text()
    db.session.add(row)
    db.session.commit()
    return row


def positions(text: str, *needles: str) -> list[int]:
    return [text.index(n) for n in needles]


def test_product_page_lists_product_then_category_then_shop(shop, client):
    entry(shop.alpha, "Shop-wide question?")
    entry(shop.alpha, "Shoe question?", category=shop.shoes)
    entry(shop.alpha, "Sneaker question?", product=shop.sneaker)
    entry(shop.alpha, "Bedding question?", category=shop.bedding)
    entry(shop.alpha, "Hidden draft?", published=False)
    page = client.get("/shop/alpha/p/sneaker").text
    found = positions(page, "Sneaker question?", "Shoe question?", "Shop-wide question?")
    assert found == sorted(found)
    assert "Bedding question?" not in page
    assert "Hidden draft?" not in page


def test_entries_beyond_the_setting_are_on_the_answers_page(shop, client, enable_plugin):
    enable_plugin("faq", shop.alpha, shown=2)
    for n in range(4):
        entry(shop.alpha, f"Question number {n}?", position=n)
    entry(shop.alpha, "About bedding only?", category=shop.bedding)
    page = client.get("/shop/alpha/p/sneaker").text
    assert "Question number 1?" in page and "Question number 2?" not in page
    assert "See all answers" in page
    assert 'href="/shop/alpha/p/sneaker/answers"' in page

    answers = client.get("/shop/alpha/p/sneaker/answers").text
    found = positions(answers, *(f"Question number {n}?" for n in range(4)))
    assert found == sorted(found)
    assert "About bedding only?" not in answers


def test_the_answers_page_is_paged_and_refuses_what_is_not_there(shop, client, disable_plugin):
    for n in range(25):
        entry(shop.alpha, f"Paged question {n:02d}?", position=n)
    first = client.get("/shop/alpha/p/duvet/answers").text
    assert "Paged question 19?" in first and "Paged question 20?" not in first
    assert "Page 1 of 2" in first
    second = client.get("/shop/alpha/p/duvet/answers?page=2").text
    assert "Paged question 24?" in second and "Paged question 00?" not in second
    past_the_end = client.get("/shop/alpha/p/duvet/answers?page=99")
    assert past_the_end.status_code == 302
    assert past_the_end.headers["Location"].endswith("/shop/alpha/p/duvet/answers?page=2")
    assert client.get(f"/shop/alpha/p/duvet/answers?page={10**30}").status_code == 302
    assert client.get("/shop/alpha/p/no-such/answers").status_code == 404
    assert client.get("/shop/beta/p/duvet/answers").status_code == 404
    disable_plugin("faq", shop.alpha)
    assert client.get("/shop/alpha/p/duvet/answers").status_code == 404


def test_a_product_with_a_few_answers_shows_them_all_without_a_link(shop, client):
    entry(shop.alpha, "Only question?")
    page = client.get("/shop/alpha/p/duvet").text
    assert "Only question?" in page and "/answers" not in page


def test_settings_hide_the_section_per_category(shop, client, enable_plugin):
    entry(shop.alpha, "Shop-wide question?")
    enable_plugin("faq", shop.alpha, category=shop.shoes, on_product_page=False)
    assert "Shop-wide question?" in client.get("/shop/alpha/p/duvet").text
    assert "Shop-wide question?" not in client.get("/shop/alpha/p/sneaker").text


def test_disabled_faq_has_no_section_and_no_routes(shop, client, disable_plugin):
    entry(shop.alpha, "Shop-wide question?")
    disable_plugin("faq", shop.alpha)
    assert "Shop-wide question?" not in client.get("/shop/alpha/p/duvet").text
    assert client.get("/shop/alpha/help").status_code == 404


def test_help_page_groups_by_topic_and_searches_chinese(shop, client):
    entry(shop.alpha, "床笠尺寸怎么选？", "按床垫厚度选择。", topic="sizing")
    entry(shop.alpha, "How to wash linen?", "Gently.", topic="care")
    page = client.get("/shop/alpha/help").text
    assert page.index("How to wash linen?") < page.index("床笠尺寸怎么选？")  # care before sizing
    found = client.get("/shop/alpha/help?q=床笠").text
    assert "<mark>床笠</mark>尺寸怎么选？" in found
    assert "How to wash linen?" not in found
    assert "1 answer for" in found


def test_search_treats_like_wildcards_literally_and_escapes(shop, client):
    entry(shop.alpha, "Discount of 100% on socks?")
    entry(shop.alpha, "Something else?")
    page = client.get("/shop/alpha/help?q=%25").text
    assert "Discount of 100% on socks?" in page
    assert "Something else?" not in page
    page = client.get("/shop/alpha/help?q=%3Cscript%3E").text
    assert "<script>" not in page.split("<main", 1)[1]


def test_help_page_carries_faqpage_json_ld(shop, client):
    entry(shop.alpha, "Is it </script> safe?", "Yes <b>really</b>.")
    page = client.get("/shop/alpha/help").text
    raw = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S).group(1)
    data = json.loads(raw)
    assert data["@type"] == "FAQPage"
    assert data["mainEntity"][0]["name"] == "Is it </script> safe?"


def test_one_vote_per_shopper_and_per_browser(shop, client, client_for):
    row = entry(shop.alpha, "Helpful?")
    alice = client_for(shop.alice)
    alice.post(f"/shop/alpha/help/{row.id}/vote", data={"helpful": "yes"})
    again = alice.post(
        f"/shop/alpha/help/{row.id}/vote", data={"helpful": "no"}, follow_redirects=True
    )
    assert "already rated" in again.text
    client.post(f"/shop/alpha/help/{row.id}/vote", data={"helpful": "no"})
    client.post(f"/shop/alpha/help/{row.id}/vote", data={"helpful": "no"})
    db.session.refresh(row)
    assert (row.helpful, row.not_helpful) == (1, 1)
    assert db.session.scalar(select(func.count(FaqVote.id))) == 2


def test_bad_vote_is_a_json_error_naming_the_field(shop, client):
    row = entry(shop.alpha, "Helpful?")
    response = client.post(f"/shop/alpha/help/{row.id}/vote", data={"helpful": "maybe"})
    assert response.status_code == 400
    assert response.json["field"] == "helpful"


def test_votes_and_entries_of_another_shop_are_not_found(shop, client):
    theirs = entry(shop.beta, "Beta only?")
    assert (
        client.post(f"/shop/alpha/help/{theirs.id}/vote", data={"helpful": "yes"}).status_code
        == 404
    )
    assert "Beta only?" not in client.get("/shop/alpha/help").text


def test_suggestions_while_typing(shop, client):
    entry(shop.alpha, "How to wash linen?")
    entry(shop.beta, "How to wash silk?")
    results = client.get("/shop/alpha/help/suggest?q=wash").json["results"]
    assert [r["question"] for r in results] == ["How to wash linen?"]
    assert client.get("/shop/alpha/help/suggest?q=w").json["results"] == []


def test_size_guide_and_shoe_finder(shop, client):
    page = client.get("/shop/alpha/size-guide/shoes?foot_mm=252").text
    assert 'data-testid="size-match"' in page and "EU 41" in page.replace("</strong>", "")
    bad = client.get("/shop/alpha/size-guide/shoes?foot_mm=%3Cb%3E")
    assert bad.status_code == 200
    assert "Enter your foot length in millimetres" in bad.text
    assert "<b>" not in bad.text.split("<main", 1)[1]
    assert "220 × 240" in client.get("/shop/alpha/size-guide/bedding").text
    assert "Size guide" in client.get("/shop/alpha/p/sneaker").text


def test_question_is_private_until_answered_then_notified(shop, client_for, owner_client, client):
    alice, bob = client_for(shop.alice), client_for(shop.bob)
    alice.post("/shop/alpha/p/sneaker/questions", data={"text": "Are they waterproof?"})
    question = db.session.scalar(select(FaqQuestion))
    assert question.user_id == shop.alice.id
    assert "Are they waterproof?" in alice.get("/shop/alpha/p/sneaker").text
    assert "Are they waterproof?" not in bob.get("/shop/alpha/p/sneaker").text
    assert "Are they waterproof?" not in client.get("/shop/alpha/help").text
    assert "Are they waterproof?" not in bob.get("/shop/alpha/account/questions").text

    queue = owner_client.get("/admin/alpha/faq/questions").text
    assert "Are they waterproof?" in queue
    owner_client.post(
        f"/admin/alpha/faq/questions/{question.id}/answer",
        data={"answer": "Splash-proof, not waterproof.", "publish": "y"},
    )
    note = db.session.scalar(select(Notification).where(Notification.user_id == shop.alice.id))
    assert note.title == "Your question was answered"
    assert "Splash-proof" in alice.get("/shop/alpha/account/questions").text
    assert "Are they waterproof?" in client.get("/shop/alpha/p/sneaker").text  # published


def test_questions_need_sign_in_and_a_real_text(shop, client, client_for):
    assert (
        client.post("/shop/alpha/p/sneaker/questions", data={"text": "Hello there"}).status_code
        == 302
    )
    page = client_for(shop.alice).post(
        "/shop/alpha/p/sneaker/questions", data={"text": "?"}, follow_redirects=True
    )
    assert "Your question:" in page.text
    assert db.session.scalar(select(func.count(FaqQuestion.id))) == 0


def test_questions_can_be_switched_off(shop, client_for, enable_plugin):
    enable_plugin("faq", shop.alpha, allow_questions=False)
    alice = client_for(shop.alice)
    assert "Ask a question" not in alice.get("/shop/alpha/p/sneaker").text
    assert (
        alice.post("/shop/alpha/p/sneaker/questions", data={"text": "Hello there"}).status_code
        == 404
    )


def test_admin_entry_crud_with_validation(shop, owner_client, client):
    missing = owner_client.post(
        "/admin/alpha/faq/new",
        data={"question": "Which size?", "answer": "M.", "topic": "sizing", "scope": "category"},
    )
    assert "Choose the category." in missing.text
    owner_client.post(
        "/admin/alpha/faq/new",
        data={
            "question": "Which size?",
            "answer": "Take **M**.",
            "topic": "sizing",
            "scope": "category",
            "category": shop.apparel.id,
            "published": "y",
        },
    )
    row = db.session.scalar(select(FaqEntry))
    assert row.category_id == shop.apparel.id
    assert "<strong>M</strong>" in client.get("/shop/alpha/p/tee").text
    owner_client.post(f"/admin/alpha/faq/{row.id}/delete")
    assert db.session.scalar(select(func.count(FaqEntry.id))) == 0


def test_markdown_answers_are_sanitised(shop, client):
    entry(shop.alpha, "Script?", "<script>alert(1)</script> [x](javascript:alert(1))")
    page = client.get("/shop/alpha/p/duvet").text
    assert "<script>alert(1)</script>" not in page
    assert "javascript:" not in page


def test_admin_of_one_shop_cannot_touch_another(shop, owner_client):
    theirs = entry(shop.beta, "Beta only?")
    assert owner_client.get(f"/admin/alpha/faq/{theirs.id}").status_code == 404
    assert owner_client.post(f"/admin/alpha/faq/{theirs.id}/delete").status_code == 404
    assert "Beta only?" not in owner_client.get("/admin/alpha/faq/").text


def test_size_guide_editing_reports_bad_rows(shop, owner_client, client):
    bad = owner_client.post(
        "/admin/alpha/faq/size-guides/apparel", data={"table": "Size | Chest\nS | 86 | extra"}
    )
    assert "Line 2 has 3 cells" in bad.text
    owner_client.post(
        "/admin/alpha/faq/size-guides/apparel",
        data={"table": "Size | Chest\nS | 80–84", "note": ""},
    )
    assert "80–84" in client.get("/shop/alpha/size-guide/apparel").text


def test_admin_cards_and_nav_count_open_questions(shop, owner_client, client_for):
    client_for(shop.alice).post("/shop/alpha/p/sneaker/questions", data={"text": "Any news?"})
    page = owner_client.get("/admin/alpha/").text
    assert re.search(r'data-testid="faq-card"><span class="figure">1<', page)


def test_page_queries_do_not_grow_with_entries(shop, client, count_queries):
    def product_page_queries() -> int:
        with count_queries() as counter:
            client.get("/shop/alpha/p/sneaker")
        return counter.count

    entry(shop.alpha, "One?")
    product_page_queries()  # warms the settings cache
    few = product_page_queries()
    for n in range(30):
        entry(shop.alpha, f"Many {n}?", category=shop.shoes if n % 2 else None)
    assert product_page_queries() == few


def test_the_linen_theme_overrides_the_faq_template(shop, client):
    entry(shop.alpha, "Shop-wide question?")
    assert 'data-theme="linen"' not in client.get("/shop/alpha/p/duvet").text
    shop.alpha.theme = "linen"
    db.session.commit()
    page = client.get("/shop/alpha/p/duvet").text
    assert 'data-theme="linen"' in page and "Shop-wide question?" in page


def many(merchant, topic: str, count: int, prefix: str | None = None, **kw) -> None:
    """`count` published answers of one topic, "<Prefix> question 00?" onwards, in order."""
    prefix = prefix or topic.title()
    for n in range(count):
        row = FaqEntry(
            merchant_id=merchant.id,
            topic=topic,
            question=f"{prefix} question {n:02d}?",
            answer=f"{prefix} answer **{n}**.",
            position=n,
            **kw,
        )
        row.index_text()
        db.session.add(row)
    db.session.commit()


def json_ld_questions(page: str) -> list[str]:
    raw = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S).group(1)
    return [item["name"] for item in json.loads(raw)["mainEntity"]]


def test_help_page_shows_the_first_answers_of_each_topic_and_links_the_rest(shop, client):
    many(shop.alpha, "care", 25)
    many(shop.alpha, "sizing", 2)
    many(shop.beta, "care", 3, prefix="Beta")
    page = client.get("/shop/alpha/help").text
    last, first_left_out = (
        f"Care question {TOPIC_PREVIEW - 1:02d}?",
        f"Care question {TOPIC_PREVIEW:02d}?",
    )
    assert last in page and first_left_out not in page
    assert page.index(last) < page.index("Sizing question 00?")
    assert "See all 25 answers about Care" in page
    assert 'href="/shop/alpha/help/topic/care"' in page
    assert "/help/topic/sizing" not in page  # both sizing answers are shown already
    assert "Beta question" not in page
    shown = json_ld_questions(page)
    assert len(shown) == TOPIC_PREVIEW + 2 and first_left_out not in shown


def test_a_topic_page_goes_through_all_its_answers(shop, client):
    many(shop.alpha, "care", 25)
    many(shop.alpha, "sizing", 2)
    many(shop.beta, "care", 3, prefix="Beta")
    first = client.get("/shop/alpha/help/topic/care").text
    assert "Care question 19?" in first and "Care question 20?" not in first
    assert "Sizing question" not in first and "Beta question" not in first
    assert "25 answers" in first and "Page 1 of 2" in first
    assert 'href="/shop/alpha/help/topic/care?page=2"' in first
    assert len(json_ld_questions(first)) == 20
    second = client.get("/shop/alpha/help/topic/care?page=2").text
    assert "Care question 24?" in second and "Care question 00?" not in second
    assert json_ld_questions(second)[0] == "Care question 20?"
    assert client.get("/shop/alpha/help/topic/care?page=3").status_code == 404
    assert client.get(f"/shop/alpha/help/topic/care?page={10**30}").status_code == 404
    assert "Care question 00?" in client.get("/shop/alpha/help/topic/care?page=-1").text
    assert client.get("/shop/alpha/help/topic/payment").status_code == 404
    assert client.get("/shop/beta/help/topic/sizing").status_code == 404


def test_search_results_come_a_page_at_a_time_in_topic_order(shop, client):
    many(shop.alpha, "sizing", 10, prefix="Linen sizing")
    many(shop.alpha, "care", 15, prefix="Linen care")
    many(shop.alpha, "payment", 3, prefix="Paying")
    first = client.get("/shop/alpha/help?q=linen").text
    assert "25 answers for “linen”" in first and "Page 1 of 2" in first
    assert "Paying question" not in first
    assert "<mark>Linen</mark> care question 14?" in first  # all of care first, as on the overview
    assert "sizing question 04?" in first and "sizing question 05?" not in first
    next_link = re.search(r'<a rel="next" href="([^"]+)"', first).group(1)
    assert "page=2" in next_link and "q=linen" in next_link
    second = client.get(next_link.replace("&amp;", "&")).text
    assert "sizing question 05?" in second and "care question" not in second
    assert "25 answers for “linen”" in second
    assert client.get("/shop/alpha/help?q=linen&page=9").status_code == 404


def test_help_page_queries_do_not_grow_with_answers(shop, client, count_queries):
    def queries(path: str) -> int:
        client.get(path)
        with count_queries() as counter:
            assert client.get(path).status_code == 200
        return counter.count

    paths = ("/shop/alpha/help", "/shop/alpha/help/topic/care", "/shop/alpha/help?q=question")
    for topic in ("care", "sizing"):
        many(shop.alpha, topic, 2, category_id=shop.bedding.id)
    few = [queries(path) for path in paths]
    for topic in ("care", "sizing", "shipping", "payment"):
        many(shop.alpha, topic, 40, prefix=f"More {topic}", category_id=shop.shoes.id)
    assert [queries(path) for path in paths] == few


def test_a_vote_goes_back_to_a_page_of_this_site_only(shop, client):
    row = entry(shop.alpha, "Where next?")
    for target in ("//evil.example/", "/\t/evil.example", "/\\evil.example"):
        response = client.post(
            f"/shop/alpha/help/{row.id}/vote", data={"helpful": "yes", "next": target}
        )
        assert response.headers["Location"] == "/shop/alpha/help", target
    response = client.post(
        f"/shop/alpha/help/{row.id}/vote", data={"helpful": "yes", "next": "/shop/alpha/p/sneaker"}
    )
    assert response.headers["Location"] == "/shop/alpha/p/sneaker"


class TestVoterCookieInProduction:
    @pytest.fixture
    def storefront_config(self):
        return {"SESSION_COOKIE_SECURE": True}

    def test_the_voter_cookie_is_secure_when_sessions_are(self, shop, client):
        row = entry(shop.alpha, "Secure?")
        client.post(f"/shop/alpha/help/{row.id}/vote", data={"helpful": "yes"})
        cookie = client.get_cookie("faq_voter")
        assert cookie is not None and cookie.secure and cookie.http_only
