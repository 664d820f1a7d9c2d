"""The callbacks API: contact, threads and the agents' queue, by the same rules as the pages.

Callbacks is on all day in both shops unless a test says otherwise; `off_for_shoes`
switches it off for alpha's shoes (the sneaker) and leaves it on for bedding (the duvet).
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, insert, select

from storefront import Notification, db, utcnow
from storefront.plugin_settings import set_platform
from storefront.plugins.callbacks.models import ContactMessage, ContactRequest
from storefront.testing import Factory, bearer, merchant_key

ALWAYS = {f"hours_{d}": "00:00-24:00" for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
NEVER = {f"hours_{d}": "" for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
ZH = {"Accept-Language": "zh-CN"}
SHOP = "/api/v1/shops/alpha"
QUEUE = f"{SHOP}/admin/contact-requests"


@pytest.fixture
def storefront_plugins():
    return ["callbacks"]


@pytest.fixture
def open_shop(shop, enable_plugin):
    enable_plugin("callbacks", shop.alpha, **ALWAYS)
    enable_plugin("callbacks", shop.beta, **ALWAYS)
    return shop


@pytest.fixture
def off_for_shoes(open_shop, disable_plugin):
    disable_plugin("callbacks", open_shop.alpha, open_shop.shoes)
    return open_shop


@pytest.fixture
def agent(open_shop):
    """An API key of alpha made by its agent: it acts as the agent."""
    return merchant_key(open_shop.alpha, open_shop.alpha_agent)


def ask(client, user, shop="alpha", headers=None, **body):
    """`user` writes to the shop through the API."""
    sent = {"topic": "presale", "message": "Is it warm?", **body}
    return client.post(
        f"/api/v1/shops/{shop}/contact-requests",
        json=sent,
        headers={**bearer(user), **(headers or {})},
    )


def asked(client, user, **body) -> int:
    answer = ask(client, user, **body)
    assert answer.status_code == 201, answer.get_json()
    return answer.get_json()["id"]


def error(answer) -> dict:
    return answer.get_json()["error"]


def requests_written() -> int:
    return db.session.scalar(select(func.count(ContactRequest.id)))


def messages_of(request_id: int) -> int:
    return db.session.scalar(
        select(func.count(ContactMessage.id)).where(ContactMessage.request_id == request_id)
    )


def order_of(shop, *products, user=None):
    order = Factory().order(
        shop.alpha, user or shop.alice, products=products, status="awaiting_shipment"
    )
    db.session.commit()
    return order


# -- the contact screen ---------------------------------------------------------------------


def test_contact_says_open_the_reply_target_and_the_topics(open_shop, client):
    body = client.get(f"{SHOP}/contact").get_json()
    assert body["open_now"] is True and body["opens_at"] is None
    assert body["reply_within_minutes"] == 10
    assert [t["code"] for t in body["topics"]] == [
        "presale",
        "order",
        "return",
        "complaint",
        "other",
    ]
    chinese = client.get(f"{SHOP}/contact", headers=ZH).get_json()
    assert chinese["topics"][0]["label"] == "售前咨询"


def test_out_of_hours_contact_gives_the_next_opening(shop, enable_plugin, client):
    enable_plugin("callbacks", shop.alpha, **{**NEVER, "hours_mon": "09:00-09:01"})
    body = client.get(f"{SHOP}/contact").get_json()
    assert body["open_now"] is False
    assert body["opens_at"] > utcnow().isoformat()
    assert body["timezone"] == shop.alpha.timezone


def test_contact_about_a_product_or_order_only_where_callbacks_is_on(off_for_shoes, client):
    shop = off_for_shoes
    assert client.get(f"{SHOP}/contact?product=duvet").status_code == 200
    sneaker = client.get(f"{SHOP}/contact?product=sneaker", headers=ZH)
    assert sneaker.status_code == 404
    assert error(sneaker)["field"] == "product" and error(sneaker)["code"] == "not_offered"
    assert error(sneaker)["message"] == "本店不在此接收关于此项的留言。"
    assert error(client.get(f"{SHOP}/contact?product=nope"))["field"] == "product"
    mine = order_of(shop, shop.duvet)
    assert client.get(f"{SHOP}/contact?order={mine.number}").status_code == 404  # no token
    answer = client.get(f"{SHOP}/contact?order={mine.number}", headers=bearer(shop.alice))
    assert answer.status_code == 200
    other = client.get(f"{SHOP}/contact?order={mine.number}", headers=bearer(shop.bob))
    assert error(other)["field"] == "order"


def test_contact_is_404_where_callbacks_is_off_everywhere(open_shop, disable_plugin, client):
    disable_plugin("callbacks", open_shop.alpha)
    assert client.get(f"{SHOP}/contact").status_code == 404
    assert ask(client, open_shop.alice).status_code == 404
    assert client.get("/api/v1/shops/beta/contact").status_code == 200


# -- writing to the shop --------------------------------------------------------------------


def test_a_shopper_writes_and_gets_the_thread(open_shop, client):
    answer = ask(client, open_shop.alice, message="  Is it warm?  ")
    assert answer.status_code == 201
    thread = answer.get_json()
    assert thread["state"] == "new" and thread["callback"] is False
    assert thread["accepts_messages"] is True and thread["due_at"]
    assert [m["text"] for m in thread["messages"]] == ["Is it warm?"]
    found = db.session.get(ContactRequest, thread["id"])
    assert (found.user_id, found.name, found.mode) == (open_shop.alice.id, "Alice", "reply")
    told = db.session.scalar(
        select(Notification.user_id).where(Notification.kind == "callbacks.new")
    )
    assert told in (open_shop.alpha_owner.id, open_shop.alpha_agent.id)


def test_out_of_hours_the_thread_starts_with_the_automatic_answer(shop, enable_plugin, client):
    enable_plugin("callbacks", shop.alpha, **{**NEVER, "hours_mon": "09:00-09:01"})
    thread = ask(client, shop.alice, headers=ZH).get_json()
    automatic = [m for m in thread["messages"] if m["automatic"]]
    assert len(automatic) == 1 and automatic[0]["from_shop"] is True
    assert automatic[0]["text"].startswith("谢谢！我们现在不在营业时间")


def test_a_call_back_needs_a_valid_number(open_shop, client):
    no_number = ask(client, open_shop.alice, callback=True, headers=ZH)
    assert no_number.status_code == 400
    assert error(no_number)["field"] == "phone"
    assert error(no_number)["message"] == "请填写我们回电的号码。"
    wrong = ask(client, open_shop.alice, callback=True, phone="12345")
    assert wrong.status_code == 400 and error(wrong)["field"] == "phone"
    assert requests_written() == 0
    thread = ask(client, open_shop.alice, callback=True, phone="138 0013 8000", window="evening")
    assert thread.status_code == 201
    body = thread.get_json()
    assert (body["callback"], body["phone"], body["window"]) == (True, "+8613800138000", "evening")


def test_a_call_back_uses_the_accounts_number_when_none_is_sent(open_shop, client):
    open_shop.bob.phone = "+8613900139000"
    db.session.commit()
    body = ask(client, open_shop.bob, callback=True).get_json()
    assert body["phone"] == "+8613900139000"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"topic": None}, "topic"),
        ({"topic": "gossip"}, "topic"),
        ({"message": " x "}, "message"),
        ({"message": "a" * 3001}, "message"),
        ({"message": "lone \ud800 surrogate"}, "message"),
        ({"window": "night"}, "window"),
        ({"product": ""}, "product"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_bad_input_names_the_field_and_writes_nothing(open_shop, client, body, field):
    sent = {"topic": "presale", "message": "Is it warm?", **body}
    sent = {k: v for k, v in sent.items() if v is not None}
    answer = client.post(f"{SHOP}/contact-requests", json=sent, headers=bearer(open_shop.alice))
    assert answer.status_code == 400
    assert error(answer)["field"] == field
    assert requests_written() == 0


def test_a_missing_field_is_named_in_chinese(open_shop, client):
    answer = client.post(
        f"{SHOP}/contact-requests",
        json={"message": "Is it warm?"},
        headers={**bearer(open_shop.alice), **ZH},
    )
    assert error(answer) == {"code": "invalid", "message": "此项为必填项。", "field": "topic"}


def test_writing_needs_a_shoppers_token(open_shop, client):
    anonymous = client.post(f"{SHOP}/contact-requests", json={"topic": "other", "message": "hi"})
    assert anonymous.status_code == 401
    key = client.post(
        f"{SHOP}/contact-requests",
        json={"topic": "other", "message": "hi"},
        headers=merchant_key(open_shop.alpha, open_shop.alpha_owner),
    )
    assert key.status_code == 401
    assert requests_written() == 0


def test_about_a_product_or_order_only_where_callbacks_is_on_for_it(off_for_shoes, client):
    shop = off_for_shoes
    sneaker = ask(client, shop.alice, product="sneaker")
    assert sneaker.status_code == 404 and error(sneaker)["field"] == "product"
    shoes = order_of(shop, shop.sneaker)
    refused = ask(client, shop.alice, order=shoes.number)
    assert refused.status_code == 404 and error(refused)["field"] == "order"
    bobs = order_of(shop, shop.duvet, user=shop.bob)
    assert error(ask(client, shop.alice, order=bobs.number))["field"] == "order"
    assert requests_written() == 0
    duvet = ask(client, shop.alice, product="duvet").get_json()
    assert duvet["product"] == "duvet"
    mixed = order_of(shop, shop.sneaker, shop.duvet)
    assert ask(client, shop.alice, order=mixed.number).get_json()["order"] == mixed.number


def test_shop_wide_contact_works_where_callbacks_is_on_for_one_category(
    shop, enable_plugin, client
):
    enable_plugin("callbacks", shop.alpha, enabled=False, **ALWAYS)
    enable_plugin("callbacks", shop.alpha, shop.bedding)
    assert client.get(f"{SHOP}/contact").status_code == 200
    assert ask(client, shop.alice).status_code == 201
    assert ask(client, shop.alice, product="sneaker").status_code == 404


def test_a_retried_request_is_written_once(open_shop, client):
    key = {"Idempotency-Key": "contact-1"}
    first = ask(client, open_shop.alice, headers=key)
    again = ask(client, open_shop.alice, headers=key)
    assert first.status_code == again.status_code == 201
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.get_json()["id"] == first.get_json()["id"]
    assert requests_written() == 1
    changed = ask(client, open_shop.alice, headers=key, message="Something else")
    assert changed.status_code == 422


def test_requests_are_limited_per_shopper(open_shop, client):
    for _ in range(5):
        asked(client, open_shop.alice)
    assert ask(client, open_shop.alice).status_code == 429
    assert ask(client, open_shop.bob).status_code == 201
    assert requests_written() == 6


# -- the shopper's threads ------------------------------------------------------------------


def shopper_requests(merchant, user, count: int) -> list[int]:
    """`count` threads of `user`, an hour apart, the first inserted the newest (ids run the
    other way round from time), each ending with the shop's "Latest n"."""
    now = utcnow()
    rows = [
        {
            "merchant_id": merchant.id,
            "user_id": user.id,
            "name": user.name,
            "topic": "order",
            "mode": "reply",
            "status": "waiting",
            "created_at": now - timedelta(hours=n),
        }
        for n in range(count)
    ]
    statement = insert(ContactRequest).returning(ContactRequest.id, sort_by_parameter_order=True)
    ids = db.session.scalars(statement, rows).all()
    for n, request_id in enumerate(ids):
        db.session.execute(
            insert(ContactMessage),
            [
                {"request_id": request_id, "author_id": user.id, "body": f"Opening {n}"},
                {"request_id": request_id, "from_shop": True, "body": f"Latest {n}"},
            ],
        )
    db.session.commit()
    return list(ids)


def test_my_threads_are_paged_newest_first_with_the_latest_message(open_shop, client):
    shopper_requests(open_shop.alpha, open_shop.alice, 7)
    shopper_requests(open_shop.alpha, open_shop.bob, 2)
    alice = bearer(open_shop.alice)
    seen, cursor = [], None
    while True:
        url = f"{SHOP}/contact-requests?limit=3" + (f"&cursor={cursor}" if cursor else "")
        page = client.get(url, headers={**alice, **ZH}).get_json()
        seen += page["items"]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert [t["last_message"] for t in seen] == [f"Latest {n}" for n in range(7)]
    assert seen[0]["topic_label"] == "我的订单"
    bobs = client.get(f"{SHOP}/contact-requests", headers=bearer(open_shop.bob)).get_json()
    assert [t["last_message"] for t in bobs["items"]] == ["Latest 0", "Latest 1"]
    elsewhere = client.get("/api/v1/shops/beta/contact-requests", headers=alice).get_json()
    assert elsewhere["items"] == []


def test_a_forged_cursor_names_the_field(open_shop, client):
    from storefront.api import encode_cursor

    for cursor in ("bm9wZQ", encode_cursor(["yesterday", 1]), encode_cursor([1, 2])):
        answer = client.get(
            f"{SHOP}/contact-requests?cursor={cursor}", headers=bearer(open_shop.alice)
        )
        assert answer.status_code == 400 and error(answer)["field"] == "cursor"


def test_a_thread_is_its_shoppers_alone(open_shop, client):
    request_id = asked(client, open_shop.alice)
    url = f"{SHOP}/contact-requests/{request_id}"
    assert client.get(url, headers=bearer(open_shop.alice)).status_code == 200
    bob = client.get(url, headers={**bearer(open_shop.bob), **ZH})
    assert bob.status_code == 404 and error(bob)["message"] == "找不到该内容。"
    other_shop = f"/api/v1/shops/beta/contact-requests/{request_id}"
    assert client.get(other_shop, headers=bearer(open_shop.alice)).status_code == 404
    for path in ("messages", "close"):
        body = {"text": "mine now"} if path == "messages" else {"rating": "satisfied"}
        answer = client.post(f"{url}/{path}", json=body, headers=bearer(open_shop.bob))
        assert answer.status_code == 404
    assert client.get(url).status_code == 401
    assert messages_of(request_id) == 1
    assert db.session.get(ContactRequest, request_id).status == "new"


def test_the_shopper_replies_and_the_request_waits_on_the_shop_again(open_shop, client, agent):
    request_id = asked(client, open_shop.alice)
    client.post(f"{QUEUE}/{request_id}/messages", json={"text": "Very warm."}, headers=agent)
    assert db.session.get(ContactRequest, request_id).status == "waiting"
    answer = client.post(
        f"{SHOP}/contact-requests/{request_id}/messages",
        json={"text": "Thanks! And the 1.8m?"},
        headers=bearer(open_shop.alice),
    )
    assert answer.status_code == 201
    thread = answer.get_json()
    assert [m["from_shop"] for m in thread["messages"]] == [False, True, False]
    assert thread["state"] == "assigned"  # the agent's reply made it theirs
    empty = client.post(
        f"{SHOP}/contact-requests/{request_id}/messages",
        json={"text": "   "},
        headers=bearer(open_shop.alice),
    )
    assert empty.status_code == 400 and error(empty)["field"] == "text"


def test_closing_with_a_rating_and_then_no_more_messages(open_shop, client):
    request_id = asked(client, open_shop.alice)
    url = f"{SHOP}/contact-requests/{request_id}"
    alice = bearer(open_shop.alice)
    unrated = client.post(f"{url}/close", json={"comment": "ok"}, headers=alice)
    assert unrated.status_code == 400 and error(unrated)["field"] == "rating"
    bad = client.post(f"{url}/close", json={"rating": 5}, headers=alice)
    assert bad.status_code == 400 and error(bad)["field"] == "rating"
    closed = client.post(
        f"{url}/close", json={"rating": "unsatisfied", "comment": " slow "}, headers=alice
    )
    assert closed.status_code == 200
    body = closed.get_json()
    assert (body["state"], body["rating"], body["comment"]) == ("resolved", "unsatisfied", "slow")
    assert body["accepts_messages"] is False and body["resolved_at"]
    again = client.post(f"{url}/messages", json={"text": "Hello?"}, headers={**alice, **ZH})
    assert again.status_code == 409
    assert error(again) == {"code": "closed", "message": "对话已结束。", "field": None}
    assert messages_of(request_id) == 1


def test_a_thread_about_a_product_switched_off_stays_readable_but_takes_nothing(
    open_shop, client, disable_plugin
):
    sneaker = asked(client, open_shop.alice, product="sneaker")
    duvet = asked(client, open_shop.alice, product="duvet")
    disable_plugin("callbacks", open_shop.alpha, open_shop.shoes)
    alice = bearer(open_shop.alice)
    url = f"{SHOP}/contact-requests/{sneaker}"
    thread = client.get(url, headers=alice).get_json()
    assert thread["messages"][0]["text"] == "Is it warm?"
    assert thread["accepts_messages"] is False
    refused = client.post(f"{url}/messages", json={"text": "Hi?"}, headers={**alice, **ZH})
    assert refused.status_code == 409
    assert error(refused)["message"] == "本店已不再在此接收留言；这段对话仍可查看。"
    closed = client.post(f"{url}/close", json={"rating": "satisfied"}, headers=alice)
    assert closed.status_code == 409
    assert messages_of(sneaker) == 1
    assert db.session.get(ContactRequest, sneaker).status == "new"
    duvet_url = f"{SHOP}/contact-requests/{duvet}"
    assert client.get(duvet_url, headers=alice).get_json()["accepts_messages"] is True
    reply = client.post(f"{duvet_url}/messages", json={"text": "Hi?"}, headers=alice)
    assert reply.status_code == 201


@pytest.mark.parametrize("how", ["off everywhere", "hidden by the platform"])
def test_threads_stay_readable_after_callbacks_goes(open_shop, client, disable_plugin, how):
    request_id = asked(client, open_shop.alice)
    if how == "off everywhere":
        disable_plugin("callbacks", open_shop.alpha)
    else:
        set_platform("callbacks", available=False, enabled=None, actor=None)
        db.session.commit()
    alice, url = bearer(open_shop.alice), f"{SHOP}/contact-requests/{request_id}"
    listed = client.get(f"{SHOP}/contact-requests", headers=alice).get_json()
    assert [t["id"] for t in listed["items"]] == [request_id]
    thread = client.get(url, headers=alice)
    assert thread.status_code == 200 and thread.get_json()["accepts_messages"] is False
    assert client.get(url, headers=bearer(open_shop.bob)).status_code == 404
    assert client.post(f"{url}/messages", json={"text": "?"}, headers=alice).status_code == 404
    assert messages_of(request_id) == 1


# -- the agents' queue ----------------------------------------------------------------------


def queue(client, headers, query: str = "") -> dict:
    answer = client.get(f"{QUEUE}{query}", headers=headers)
    assert answer.status_code == 200, answer.get_json()
    return answer.get_json()


def test_the_queue_puts_overdue_first_with_due_times_and_assignees(open_shop, client, agent):
    fresh = asked(client, open_shop.alice, message="Fresh one")
    late = asked(client, open_shop.bob, message="Late one")
    found = db.session.get(ContactRequest, late)
    found.created_at = utcnow() - timedelta(hours=1)
    found.assignee_id = open_shop.alpha_agent.id
    db.session.commit()
    body = queue(client, {**agent, **ZH})
    assert [r["id"] for r in body["items"]] == [late, fresh]
    assert [r["overdue"] for r in body["items"]] == [True, False]
    assert (body["total"], body["overdue"]) == (2, 1)
    assert body["items"][0]["assignee"] == {"id": open_shop.alpha_agent.id, "name": "Alpha Agent"}
    assert body["items"][1]["assignee"] is None and body["items"][1]["due_at"]
    assert body["items"][1]["state_label"] == "新请求"
    assert [r["id"] for r in queue(client, agent, "?filter=overdue")["items"]] == [late]
    assert [r["id"] for r in queue(client, agent, "?filter=mine")["items"]] == [late]
    owner = merchant_key(open_shop.alpha, open_shop.alpha_owner)
    assert queue(client, owner, "?filter=mine")["items"] == []
    bad = client.get(f"{QUEUE}?filter=everything", headers=agent)
    assert bad.status_code == 400 and error(bad)["field"] == "filter"


def test_the_queue_is_paged_by_cursor_without_repeats(open_shop, client, agent):
    now = utcnow()
    db.session.execute(
        insert(ContactRequest),
        [
            {
                "merchant_id": open_shop.alpha.id,
                "name": f"Shopper {n}",
                "topic": ("presale", "complaint")[n % 2],
                "mode": "call",
                "status": "new",
                "created_at": now - timedelta(minutes=7 * n),
            }
            for n in range(11)
        ],
    )
    db.session.execute(
        insert(ContactRequest),
        [{"merchant_id": open_shop.alpha.id, "name": "Done", "topic": "other", "mode": "call",
          "status": "resolved", "created_at": now}],
    )  # fmt: skip
    db.session.commit()
    whole = queue(client, agent, "?limit=100")["items"]
    seen, cursor = [], None
    while True:
        page = queue(client, agent, "?limit=4" + (f"&cursor={cursor}" if cursor else ""))
        seen += page["items"]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert [r["id"] for r in seen] == [r["id"] for r in whole]
    assert len(seen) == 11 and "Done" not in {r["name"] for r in seen}
    overdue = [r["overdue"] for r in seen]
    assert overdue == sorted(overdue, reverse=True) and any(overdue)
    forged = client.get(f"{QUEUE}?cursor=bm9wZQ", headers=agent)
    assert forged.status_code == 400 and error(forged)["field"] == "cursor"


def test_the_queue_needs_a_key_of_this_shop_with_the_contact_scope(open_shop, client):
    asked(client, open_shop.alice)
    assert client.get(QUEUE).status_code == 401
    assert client.get(QUEUE, headers=bearer(open_shop.alice)).status_code == 401
    narrow = merchant_key(open_shop.alpha, open_shop.alpha_owner, scopes=["orders:read"])
    refused = client.get(QUEUE, headers={**narrow, **ZH})
    assert refused.status_code == 403 and error(refused)["code"] == "scope_missing"
    assert "contact:write" in error(refused)["message"] and "API" in error(refused)["message"]
    beta = merchant_key(open_shop.beta, open_shop.beta_owner)
    assert client.get(QUEUE, headers=beta).status_code == 404
    alpha = merchant_key(open_shop.alpha, open_shop.alpha_owner)
    beta_queue = client.get("/api/v1/shops/beta/admin/contact-requests", headers=alpha)
    assert beta_queue.status_code == 404
    own = client.get("/api/v1/shops/beta/admin/contact-requests", headers=beta).get_json()
    assert own["items"] == []


def test_an_agent_reads_one_request_of_their_shop_only(open_shop, client, agent):
    request_id = asked(client, open_shop.alice, callback=True, phone="13800138000")
    body = client.get(f"{QUEUE}/{request_id}", headers=agent).get_json()
    assert body["phone"] == "+8613800138000" and body["callback"] is True
    assert body["messages"][0]["author"] is None and body["call_attempts"] == []
    beta = merchant_key(open_shop.beta, open_shop.beta_owner)
    url = f"/api/v1/shops/beta/admin/contact-requests/{request_id}"
    answer = client.get(url, headers={**beta, **ZH})
    assert answer.status_code == 404 and error(answer)["message"] == "找不到该内容。"
    for path, body in (
        ("messages", {"text": "x"}),
        ("assign", {"agent_id": None}),
        ("resolve", None),
    ):
        assert client.post(f"{url}/{path}", json=body, headers=beta).status_code == 404
    assert client.get(f"{QUEUE}/{request_id}", headers=beta).status_code == 404


def test_an_agent_replies_as_the_keys_creator_and_the_shopper_is_told(open_shop, client, agent):
    request_id = asked(client, open_shop.alice)
    answer = client.post(
        f"{QUEUE}/{request_id}/messages", json={"text": " Yes, very warm. "}, headers=agent
    )
    assert answer.status_code == 201
    body = answer.get_json()
    assert body["messages"][-1]["text"] == "Yes, very warm."
    assert body["messages"][-1]["author"]["id"] == open_shop.alpha_agent.id
    assert body["assignee"]["id"] == open_shop.alpha_agent.id
    assert (body["state"], body["answered"]) == ("waiting", True)
    told = db.session.scalar(
        select(Notification.link).where(
            Notification.user_id == open_shop.alice.id, Notification.kind == "callbacks.reply"
        )
    )
    assert told.endswith(f"/account/messages/{request_id}")
    thread = client.get(f"{SHOP}/contact-requests/{request_id}", headers=bearer(open_shop.alice))
    last = thread.get_json()["messages"][-1]
    assert (last["text"], last["from_shop"]) == ("Yes, very warm.", True)
    assert "author" not in last  # shoppers see the shop, not which agent
    empty = client.post(f"{QUEUE}/{request_id}/messages", json={}, headers=agent)
    assert empty.status_code == 400 and error(empty)["field"] == "text"


def test_a_guest_can_only_be_called_back(open_shop, client, agent):
    client.post(
        "/shop/alpha/contact",
        data={"name": "Li", "topic": "other", "message": "Call me", "mode": "call",
              "phone": "13800138000", "window": "any"},
    )  # fmt: skip
    guest = db.session.scalar(select(ContactRequest.id))
    answer = client.post(
        f"{QUEUE}/{guest}/messages", json={"text": "Hello"}, headers={**agent, **ZH}
    )
    assert answer.status_code == 409
    assert error(answer)["code"] == "guest_request"
    assert error(answer)["message"] == "这位访客只能回电：请记录通话。"
    assert messages_of(guest) == 1


def test_assigning_only_to_this_shops_staff_and_back_to_the_queue(open_shop, client, agent):
    request_id = asked(client, open_shop.alice)
    url = f"{QUEUE}/{request_id}/assign"
    given = client.post(url, json={"agent_id": open_shop.alpha_owner.id}, headers=agent)
    assert given.status_code == 200
    assert given.get_json()["assignee"]["id"] == open_shop.alpha_owner.id
    assert given.get_json()["state"] == "assigned"
    for wanted in (open_shop.beta_owner.id, open_shop.alice.id, 999_999):
        refused = client.post(url, json={"agent_id": wanted}, headers={**agent, **ZH})
        assert refused.status_code == 400
        assert error(refused)["field"] == "agent_id"
        assert error(refused)["message"] == "请选择本店员工。"
    for junk in ({"agent_id": "me"}, {"agent_id": 0}, {}):
        assert error(client.post(url, json=junk, headers=agent))["field"] == "agent_id"
    assert db.session.get(ContactRequest, request_id).assignee_id == open_shop.alpha_owner.id
    back = client.post(url, json={"agent_id": None}, headers=agent).get_json()
    assert back["assignee"] is None and back["state"] == "new"


def test_resolving_takes_it_out_of_the_queue(open_shop, client, agent):
    request_id = asked(client, open_shop.alice)
    answer = client.post(f"{QUEUE}/{request_id}/resolve", headers={**agent, **ZH})
    assert answer.status_code == 200
    body = answer.get_json()
    assert body["state"] == "resolved" and body["state_label"] == "已解决"
    assert body["resolved_at"]
    assert queue(client, agent)["items"] == []
    thread = client.get(f"{SHOP}/contact-requests/{request_id}", headers=bearer(open_shop.alice))
    assert thread.get_json()["accepts_messages"] is False


def test_the_queue_is_404_where_callbacks_is_off_everywhere(
    open_shop, client, agent, disable_plugin
):
    request_id = asked(client, open_shop.alice)
    disable_plugin("callbacks", open_shop.alpha)
    assert client.get(QUEUE, headers=agent).status_code == 404
    assert client.post(f"{QUEUE}/{request_id}/resolve", headers=agent).status_code == 404


def test_every_endpoint_is_in_the_served_document(open_shop, client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    base = "/api/v1/shops/{merchant}"
    expected = {
        f"{base}/contact": {"get"},
        f"{base}/contact-requests": {"get", "post"},
        f"{base}/contact-requests/{{request_id}}": {"get"},
        f"{base}/contact-requests/{{request_id}}/messages": {"post"},
        f"{base}/contact-requests/{{request_id}}/close": {"post"},
        f"{base}/admin/contact-requests": {"get"},
        f"{base}/admin/contact-requests/{{request_id}}": {"get"},
        f"{base}/admin/contact-requests/{{request_id}}/messages": {"post"},
        f"{base}/admin/contact-requests/{{request_id}}/assign": {"post"},
        f"{base}/admin/contact-requests/{{request_id}}/resolve": {"post"},
    }
    for path, methods in expected.items():
        assert set(paths[path]) >= methods, path
        for method in methods:
            answers = paths[path][method]["responses"]
            if path != f"{base}/contact":
                assert "401" in answers, (path, method)
            if "/admin/" in path:
                assert "403" in answers


def test_lists_cost_the_same_whatever_their_length(open_shop, client, agent, count_queries):
    alice = bearer(open_shop.alice)

    def queries(url: str, headers: dict) -> int:
        for _ in range(2):  # the first use of a key writes its last-used time
            client.get(url, headers=headers)
        with count_queries() as counter:
            assert client.get(url, headers=headers).status_code == 200
        return counter.count

    shopper_requests(open_shop.alpha, open_shop.alice, 2)
    few = queries(f"{SHOP}/contact-requests", alice), queries(QUEUE, agent)
    shopper_requests(open_shop.alpha, open_shop.alice, 30)
    assert (queries(f"{SHOP}/contact-requests", alice), queries(QUEUE, agent)) == few
