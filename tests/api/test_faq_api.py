"""The FAQ through the JSON API: answers, help centre, search, votes, size guides, questions.

Every feature runs with the FAQ off for shoes and on for bedding; every endpoint is tried
across two shops and two shoppers.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from storefront import Notification, db
from storefront.plugins.faq.models import FaqEntry, FaqQuestion
from storefront.testing import bearer, merchant_key


@pytest.fixture
def storefront_plugins():
    return ["faq"]


def entry(merchant, question, topic="sizing", category=None, product=None, position=0):
    row = FaqEntry(
        merchant_id=merchant.id,
        category_id=category.id if category else None,
        product_id=product.id if product else None,
        topic=topic,
        question=question,
        answer=f"**Answer** to {question}",
        position=position,
    )
    row.index_text()
    db.session.add(row)
    db.session.commit()
    return row


@pytest.fixture
def answers(shop):
    return {
        "shop": entry(shop.alpha, "When will my order ship?", topic="shipping"),
        "bedding": entry(shop.alpha, "How do I wash linen?", "care", category=shop.bedding),
        "duvet": entry(shop.alpha, "What is the duvet made of?", "material", product=shop.duvet),
        "shoes": entry(shop.alpha, "Do shoes run small?", category=shop.shoes),
        "sneaker": entry(shop.alpha, "Is the sneaker leather?", "material", product=shop.sneaker),
        "beta": entry(shop.beta, "Beta's own question?"),
    }


@pytest.fixture
def shoes_off(shop, disable_plugin):
    disable_plugin("faq", shop.alpha, shop.shoes)


def questions(body) -> list[str]:
    return [item["question"] for item in body["items"]]


def test_product_answers_most_particular_first_with_notes_and_size_guide(client, shop, answers):
    body = client.get("/api/v1/shops/alpha/products/duvet/faq").get_json()
    assert questions(body) == [
        "What is the duvet made of?",
        "How do I wash linen?",
        "When will my order ship?",
    ]
    assert [e["applies_to"] for e in body["items"]] == ["product", "category", "shop"]
    assert body["items"][0]["answer_html"].startswith("<p><strong>Answer</strong>")
    assert [(n["topic"], len(n["entries"])) for n in body["notes"]] == [
        ("care", 1),
        ("material", 1),
    ]
    guide = body["size_guide"]
    assert guide["kind"] == "bedding" and guide["finds_by_foot_length"] is False
    assert ["1.8 m", "220 × 240", "180 × 200 × 30", "48 × 74"] in guide["rows"]
    assert body["allow_questions"] is True


def test_product_answers_page_by_cursor_without_repeats(client, shop, answers):
    for n in range(4):
        entry(shop.alpha, f"Duvet extra {n}?", product=shop.duvet, position=n + 1)
    first = client.get("/api/v1/shops/alpha/products/duvet/faq?limit=3").get_json()
    assert first["next_cursor"] and first["size_guide"] is not None
    seen = questions(first)
    cursor = first["next_cursor"]
    while cursor:
        page = client.get(f"/api/v1/shops/alpha/products/duvet/faq?limit=3&cursor={cursor}")
        body = page.get_json()
        assert body["size_guide"] is None and body["notes"] == []
        seen += questions(body)
        cursor = body["next_cursor"]
    assert len(seen) == len(set(seen)) == 7
    assert seen[0] == "What is the duvet made of?" and seen[-1] == "When will my order ship?"
    forged = client.get("/api/v1/shops/alpha/products/duvet/faq?cursor=WyJ4IiwgMSwgMl0")
    assert forged.status_code == 400 and forged.get_json()["error"]["field"] == "cursor"


def test_product_answers_only_where_the_faq_is_on(client, shop, answers, shoes_off):
    sneaker = client.get("/api/v1/shops/alpha/products/sneaker/faq")
    assert sneaker.status_code == 404 and sneaker.get_json()["error"]["code"] == "not_found"
    assert client.get("/api/v1/shops/alpha/products/duvet/faq").status_code == 200
    assert client.get("/api/v1/shops/alpha/products/quilt/faq").status_code == 404


def test_help_centre_lists_shop_and_category_answers_where_offered(
    client, shop, answers, shoes_off
):
    body = client.get("/api/v1/shops/alpha/faq").get_json()
    assert set(questions(body)) == {"When will my order ship?", "How do I wash linen?"}
    care = client.get("/api/v1/shops/alpha/faq?topic=care").get_json()
    assert questions(care) == ["How do I wash linen?"]
    bedding = client.get("/api/v1/shops/alpha/faq?category=bedding").get_json()
    assert questions(bedding) == ["How do I wash linen?"]
    assert client.get("/api/v1/shops/alpha/faq?category=shoes").status_code == 404
    unknown = client.get("/api/v1/shops/alpha/faq?category=nope")
    assert unknown.status_code == 404 and unknown.get_json()["error"]["field"] == "category"
    assert client.get("/api/v1/shops/alpha/faq?topic=gossip").get_json()["error"]["field"] == (
        "topic"
    )
    assert questions(client.get("/api/v1/shops/beta/faq").get_json()) == ["Beta's own question?"]


def test_help_centre_pages_in_help_order(client, shop):
    for n in range(5):
        entry(shop.alpha, f"Payment {n}?", "payment", position=n)
        entry(shop.alpha, f"Material {n}?", "material", position=n)
    seen, cursor = [], None
    while True:
        suffix = f"&cursor={cursor}" if cursor else ""
        body = client.get(f"/api/v1/shops/alpha/faq?limit=4{suffix}").get_json()
        seen += questions(body)
        cursor = body["next_cursor"]
        if not cursor:
            break
    assert seen == [f"Material {n}?" for n in range(5)] + [f"Payment {n}?" for n in range(5)]


def test_search_finds_chinese_and_product_answers_but_not_where_off(
    client, shop, answers, shoes_off
):
    entry(shop.alpha, "床笠尺寸怎么选？", category=shop.bedding)
    found = client.get("/api/v1/shops/alpha/faq/search?q=床笠").get_json()
    assert questions(found) == ["床笠尺寸怎么选？"]
    leather = client.get("/api/v1/shops/alpha/faq/search?q=leather").get_json()
    assert leather["items"] == []  # the sneaker's answer is about shoes, where the FAQ is off
    duvet = client.get("/api/v1/shops/alpha/faq/search?q=duvet made").get_json()
    assert questions(duvet) == ["What is the duvet made of?"]
    assert duvet["items"][0]["snippet"] == "Answer to What is the duvet made of?"
    blank = client.get("/api/v1/shops/alpha/faq/search?q=%20%20")
    assert blank.status_code == 400 and blank.get_json()["error"]["field"] == "q"


def test_a_shopper_votes_once_and_the_second_is_answered(client, shop, answers):
    url = f"/api/v1/shops/alpha/faq/entries/{answers['duvet'].id}/vote"
    alice = bearer(shop.alice)
    first = client.post(url, json={"helpful": True}, headers=alice).get_json()
    assert first["counted"] is True and first["helpful"] == 1
    again = client.post(url, json={"helpful": False}, headers=alice).get_json()
    assert again["counted"] is False and (again["helpful"], again["not_helpful"]) == (1, 0)
    assert again["message"] == "You have already rated this answer."
    bob = client.post(url, json={"helpful": False}, headers=bearer(shop.bob)).get_json()
    assert (bob["counted"], bob["not_helpful"]) == (True, 1)
    assert client.post(url, json={"helpful": True}).status_code == 401
    bad = client.post(url, json={"helpful": "maybe"}, headers=alice)
    assert bad.status_code == 400 and bad.get_json()["error"]["field"] == "helpful"


def test_votes_only_where_the_faq_is_on_and_in_the_shop(client, shop, answers, shoes_off):
    alice = bearer(shop.alice)
    sneaker = f"/api/v1/shops/alpha/faq/entries/{answers['sneaker'].id}/vote"
    assert client.post(sneaker, json={"helpful": True}, headers=alice).status_code == 404
    beta_via_alpha = f"/api/v1/shops/alpha/faq/entries/{answers['beta'].id}/vote"
    assert client.post(beta_via_alpha, json={"helpful": True}, headers=alice).status_code == 404
    answers["duvet"].published = False
    db.session.commit()
    hidden = f"/api/v1/shops/alpha/faq/entries/{answers['duvet'].id}/vote"
    assert client.post(hidden, json={"helpful": True}, headers=alice).status_code == 404


def test_shoe_size_from_foot_length(client, shop):
    body = client.get("/api/v1/shops/alpha/size-guides/shoes?foot_length_mm=255").get_json()
    assert body["match"]["row"][0] == "255"
    assert {"label": "EU", "size": "41"} in body["match"]["sizes"]
    posted = client.post(
        "/api/v1/shops/alpha/size-guides/shoes/shoe-size", json={"foot_length_mm": 243}
    )
    assert posted.status_code == 200 and posted.get_json()["row"][0] == "245"
    short = client.get("/api/v1/shops/alpha/size-guides/shoes?foot_length_mm=100")
    assert short.status_code == 400 and short.get_json()["error"]["field"] == "foot_length_mm"
    beyond = client.post(
        "/api/v1/shops/alpha/size-guides/shoes/shoe-size", json={"foot_length_mm": 300}
    )
    assert beyond.status_code == 422 and beyond.get_json()["error"]["code"] == "no_size"
    bedding = client.get("/api/v1/shops/alpha/size-guides/bedding?foot_length_mm=250")
    assert bedding.status_code == 400 and bedding.get_json()["error"]["field"] == "foot_length_mm"
    assert client.get("/api/v1/shops/alpha/size-guides/bedding").get_json()["match"] is None


def test_size_guides_answer_where_the_faq_is_on(client, shop, make, shoes_off):
    assert client.get("/api/v1/shops/alpha/size-guides/shoes").status_code == 404
    assert client.get("/api/v1/shops/alpha/size-guides/bedding").status_code == 200
    make.category(shop.alpha, "other", "gifts")
    db.session.commit()
    none = client.get("/api/v1/shops/alpha/size-guides/gifts")
    assert none.status_code == 404 and none.get_json()["error"]["field"] == "category"
    assert client.get("/api/v1/shops/beta/size-guides/shoes").status_code == 404


def test_messages_come_in_the_shoppers_language(client, shop):
    beyond = client.post(
        "/api/v1/shops/alpha/size-guides/shoes/shoe-size",
        json={"foot_length_mm": 300},
        headers={"Accept-Language": "zh-CN"},
    )
    message = beyond.get_json()["error"]["message"]
    assert message != "That is longer than the sizes in this table; please contact us."
    assert any("\u4e00" <= char <= "\u9fff" for char in message)


def ask(client, user, slug="duvet", text="Is it warm enough for winter?"):
    return client.post(
        f"/api/v1/shops/alpha/products/{slug}/questions", json={"text": text}, headers=bearer(user)
    )


def test_a_question_is_private_to_its_shopper(client, shop):
    asked = ask(client, shop.alice)
    assert asked.status_code == 201
    question = asked.get_json()
    assert question["status"] == "open" and question["product"]["slug"] == "duvet"
    mine = client.get("/api/v1/shops/alpha/me/questions", headers=bearer(shop.alice)).get_json()
    assert [q["id"] for q in mine["items"]] == [question["id"]]
    bobs = client.get("/api/v1/shops/alpha/me/questions", headers=bearer(shop.bob)).get_json()
    assert bobs["items"] == []
    one = f"/api/v1/shops/alpha/me/questions/{question['id']}"
    assert client.get(one, headers=bearer(shop.alice)).status_code == 200
    assert client.get(one, headers=bearer(shop.bob)).status_code == 404
    beta = f"/api/v1/shops/beta/me/questions/{question['id']}"
    assert client.get(beta, headers=bearer(shop.alice)).status_code == 404
    assert client.get("/api/v1/shops/alpha/me/questions").status_code == 401
    key = merchant_key(shop.alpha, shop.alpha_owner)
    assert client.get("/api/v1/shops/alpha/me/questions", headers=key).status_code == 401


def test_asking_needs_text_the_faq_on_and_questions_allowed(client, shop, enable_plugin, shoes_off):
    short = ask(client, shop.alice, text=" hi ")
    assert short.status_code == 400 and short.get_json()["error"]["field"] == "text"
    assert ask(client, shop.alice, slug="sneaker").status_code == 404
    assert ask(client, shop.alice, slug="quilt").status_code == 404
    enable_plugin("faq", shop.alpha, shop.bedding, allow_questions=False)
    assert ask(client, shop.alice).status_code == 404
    anonymous = client.post("/api/v1/shops/alpha/products/duvet/questions", json={"text": "Hello?"})
    assert anonymous.status_code == 401
    assert db.session.scalar(select(FaqQuestion.id)) is None


def test_own_questions_stay_readable_once_the_faq_is_off(client, shop, disable_plugin):
    question = ask(client, shop.alice).get_json()
    disable_plugin("faq", shop.alpha)
    alice = bearer(shop.alice)
    mine = client.get("/api/v1/shops/alpha/me/questions", headers=alice)
    assert mine.status_code == 200 and len(mine.get_json()["items"]) == 1
    one = client.get(f"/api/v1/shops/alpha/me/questions/{question['id']}", headers=alice)
    assert one.status_code == 200
    assert ask(client, shop.alice).status_code == 404
    assert client.get("/api/v1/shops/alpha/faq").status_code == 404


def test_the_merchant_answers_from_the_queue_open_first(client, shop):
    first = ask(client, shop.alice).get_json()
    second = ask(client, shop.bob, text="Does it come in grey?").get_json()
    key = merchant_key(shop.alpha, shop.alpha_agent, scopes=["questions:write"])
    url = f"/api/v1/shops/alpha/admin/questions/{second['id']}/answer"
    answered = client.post(
        url, json={"answer": "Not yet, in spring.", "publish": True}, headers=key
    )
    assert answered.status_code == 200
    body = answered.get_json()
    assert body["status"] == "answered" and body["asked_by"] == "Bob" and body["entry_id"]
    inbox = db.session.scalars(select(Notification).where(Notification.user_id == shop.bob.id))
    assert [n.kind for n in inbox] == ["faq.answered"]
    again = client.post(url, json={"answer": "Again"}, headers=key)
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "already_answered"
    queue = client.get("/api/v1/shops/alpha/admin/questions", headers=key).get_json()
    assert [(q["id"], q["status"]) for q in queue["items"]] == [
        (first["id"], "open"),
        (second["id"], "answered"),
    ]
    page = client.get("/api/v1/shops/alpha/admin/questions?limit=1", headers=key).get_json()
    rest = client.get(
        f"/api/v1/shops/alpha/admin/questions?limit=1&cursor={page['next_cursor']}", headers=key
    ).get_json()
    assert [q["id"] for q in page["items"] + rest["items"]] == [first["id"], second["id"]]
    only = client.get("/api/v1/shops/alpha/admin/questions?status=answered", headers=key)
    assert [q["id"] for q in only.get_json()["items"]] == [second["id"]]
    published = client.get("/api/v1/shops/alpha/products/duvet/faq").get_json()
    assert "Does it come in grey?" in questions(published)
    empty = client.post(
        f"/api/v1/shops/alpha/admin/questions/{first['id']}/answer",
        json={"answer": "   "},
        headers=key,
    )
    assert empty.status_code == 400 and empty.get_json()["error"]["field"] == "answer"


def test_the_queue_needs_the_shops_key_with_its_scope(client, shop):
    question = ask(client, shop.alice).get_json()
    answer_url = f"/api/v1/shops/alpha/admin/questions/{question['id']}/answer"
    beta_key = merchant_key(shop.beta, shop.beta_owner)
    assert client.get("/api/v1/shops/alpha/admin/questions", headers=beta_key).status_code == 404
    assert client.post(answer_url, json={"answer": "x"}, headers=beta_key).status_code == 404
    via_beta = f"/api/v1/shops/beta/admin/questions/{question['id']}/answer"
    assert client.post(via_beta, json={"answer": "x"}, headers=beta_key).status_code == 404
    beta_queue = client.get("/api/v1/shops/beta/admin/questions", headers=beta_key).get_json()
    assert beta_queue["items"] == []
    narrow = merchant_key(shop.alpha, shop.alpha_owner, scopes=["reviews:write"])
    refused = client.get("/api/v1/shops/alpha/admin/questions", headers=narrow)
    assert refused.status_code == 403 and refused.get_json()["error"]["code"] == "scope_missing"
    alice = bearer(shop.alice)
    assert client.get("/api/v1/shops/alpha/admin/questions", headers=alice).status_code == 401
    assert client.post(answer_url, json={"answer": "x"}).status_code == 401
    assert db.session.get(FaqQuestion, question["id"]).status == "open"


@pytest.mark.parametrize("shopper", ["alice", "bob"])
@pytest.mark.parametrize("merchant", ["alpha", "beta"])
def test_isolation_matrix(client, shop, answers, shopper, merchant):
    """Each shopper in each shop sees only that shop's answers and their own questions."""
    user = getattr(shop, shopper)
    other = shop.bob if shopper == "alice" else shop.alice
    own_shop = getattr(shop, merchant)
    theirs = FaqQuestion(merchant_id=own_shop.id, user_id=other.id, text="Somebody else's?")
    foreign = shop.beta if merchant == "alpha" else shop.alpha
    elsewhere = FaqQuestion(merchant_id=foreign.id, user_id=user.id, text="Mine, elsewhere?")
    db.session.add_all([theirs, elsewhere])
    db.session.commit()
    headers = bearer(user)
    base = f"/api/v1/shops/{merchant}"
    mine = client.get(f"{base}/me/questions", headers=headers).get_json()
    assert mine["items"] == []
    assert client.get(f"{base}/me/questions/{theirs.id}", headers=headers).status_code == 404
    assert client.get(f"{base}/me/questions/{elsewhere.id}", headers=headers).status_code == 404
    foreign_entry = answers["beta"] if merchant == "alpha" else answers["shop"]
    vote = client.post(
        f"{base}/faq/entries/{foreign_entry.id}/vote", json={"helpful": True}, headers=headers
    )
    assert vote.status_code == 404
    listed = {e["id"] for e in client.get(f"{base}/faq").get_json()["items"]}
    assert foreign_entry.id not in listed and listed
    foreign_product = "quilt" if merchant == "alpha" else "duvet"
    assert client.get(f"{base}/products/{foreign_product}/faq").status_code == 404
    asked = client.post(
        f"{base}/products/{foreign_product}/questions",
        json={"text": "A question here?"},
        headers=headers,
    )
    assert asked.status_code == 404
    key = merchant_key(foreign, shop.beta_owner if merchant == "alpha" else shop.alpha_owner)
    answer = client.post(
        f"{base}/admin/questions/{theirs.id}/answer", json={"answer": "x"}, headers=key
    )
    assert answer.status_code == 404
