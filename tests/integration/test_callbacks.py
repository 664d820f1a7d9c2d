"""Contact requests through the test client: validation, hours, threads, queue, isolation."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from storefront import Notification, db, utcnow
from storefront.plugins.callbacks.models import ContactRequest

ALWAYS = {f"hours_{d}": "00:00-24:00" for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
NEVER = {f"hours_{d}": "" for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}


@pytest.fixture
def storefront_plugins():
    return ["callbacks"]


@pytest.fixture
def open_shop(shop, enable_plugin):
    enable_plugin("callbacks", shop.alpha, **ALWAYS)
    enable_plugin("callbacks", shop.beta, **ALWAYS)
    return shop


def contact(client, shop="alpha", **data):
    form = {
        "name": "Li Lei",
        "topic": "presale",
        "message": "Is it warm?",
        "mode": "call",
        "phone": "13800138000",
        "window": "any",
        **data,
    }
    return client.post(f"/shop/{shop}/contact", data=form, follow_redirects=True)


def test_guest_call_back_with_a_valid_mobile_number(open_shop, client):
    page = contact(client)
    assert "Your request number is" in page.text
    request = db.session.scalar(select(ContactRequest))
    assert (request.phone, request.mode, request.user_id) == ("+8613800138000", "call", None)


@pytest.mark.parametrize("phone", ["12345", "1380013800", "abc"])
def test_invalid_phone_numbers_get_a_field_error(open_shop, client, phone):
    page = contact(client, phone=phone)
    assert "valid mobile number" in page.text
    assert db.session.scalar(select(func.count(ContactRequest.id))) == 0


def test_guests_cannot_ask_for_a_reply_here(open_shop, client):
    page = contact(client, mode="reply", phone="")
    assert "Sign in to get the reply here" in page.text


def test_guests_are_rate_limited(open_shop, client):
    for _ in range(5):
        contact(client)
    sixth = contact(client)
    assert sixth.status_code == 429
    assert db.session.scalar(select(func.count(ContactRequest.id))) == 5


def test_in_hours_the_page_promises_a_time(open_shop, client):
    assert "first reply within 10 minutes" in client.get("/shop/alpha/contact").text


def test_out_of_hours_there_is_an_automatic_reply(shop, enable_plugin, client_for):
    enable_plugin(
        "callbacks", shop.alpha, hours_mon="09:00-09:01", **{k: "" for k in list(NEVER)[1:]}
    )
    alice = client_for(shop.alice)
    assert "We are closed now" in alice.get("/shop/alpha/contact").text
    page = contact(alice, mode="reply", phone="")
    assert "We are closed now and answer after we open" in page.text


def test_the_thread_is_private_and_replies_notify(open_shop, client_for, agent_client):
    alice, bob = client_for(open_shop.alice), client_for(open_shop.bob)
    contact(alice, mode="reply", phone="", message="<b>Hello</b>")
    request = db.session.scalar(select(ContactRequest))
    assert bob.get(f"/shop/alpha/account/messages/{request.id}").status_code == 404
    agent_client.post(
        f"/admin/alpha/callbacks/{request.id}/reply", data={"body": "Yes, very warm."}
    )
    page = alice.get(f"/shop/alpha/account/messages/{request.id}").text
    assert "Yes, very warm." in page and "&lt;b&gt;Hello&lt;/b&gt;" in page
    assert db.session.scalar(
        select(Notification.title).where(Notification.user_id == open_shop.alice.id)
    )
    assert db.session.get(ContactRequest, request.id).first_response_at is not None


def test_close_and_rate(open_shop, client_for):
    alice = client_for(open_shop.alice)
    contact(alice, mode="reply", phone="")
    request = db.session.scalar(select(ContactRequest))
    bad = alice.post(
        f"/shop/alpha/account/messages/{request.id}/close", data={}, follow_redirects=True
    )
    assert "Tell us whether you were helped" in bad.text
    alice.post(
        f"/shop/alpha/account/messages/{request.id}/close",
        data={"rating": "unsatisfied", "comment": "slow"},
    )
    request = db.session.get(ContactRequest, request.id)
    assert (request.status, request.rating) == ("resolved", "unsatisfied")


def test_other_shops_agents_see_nothing(open_shop, client, client_for):
    contact(client, message="alpha secret")
    request = db.session.scalar(select(ContactRequest))
    beta = client_for(open_shop.beta_owner)
    assert "alpha secret" not in beta.get("/admin/beta/callbacks/").text
    assert beta.get(f"/admin/beta/callbacks/{request.id}").status_code == 404
    assert beta.post(f"/admin/beta/callbacks/{request.id}/resolve").status_code == 404


def test_overdue_requests_come_first(shop, enable_plugin, client, agent_client):
    enable_plugin("callbacks", shop.alpha, **ALWAYS)
    contact(client, name="Fresh")
    contact(client, name="Late")
    late = db.session.scalar(select(ContactRequest).where(ContactRequest.name == "Late"))
    late.created_at = utcnow() - timedelta(hours=1)
    db.session.commit()
    page = agent_client.get("/admin/alpha/callbacks/").text
    assert page.index("Late") < page.index("Fresh")
    assert "1 request is overdue." in page


def test_call_attempts_assignment_and_escalation(open_shop, client, agent_client, owner_client):
    contact(client, topic="complaint")
    request = db.session.scalar(select(ContactRequest))
    agent_client.post(f"/admin/alpha/callbacks/{request.id}/attempt", data={"outcome": "no_answer"})
    agent_client.post(f"/admin/alpha/callbacks/{request.id}/attempt", data={"outcome": "reached"})
    request = db.session.get(ContactRequest, request.id)
    assert (request.attempts, request.status) == (2, "called")
    refused = agent_client.post(
        f"/admin/alpha/callbacks/{request.id}/assign",
        data={"assignee": open_shop.beta_owner.id},
        follow_redirects=True,
    )
    assert "Choose someone from this shop" in refused.text
    agent_client.post(f"/admin/alpha/callbacks/{request.id}/escalate")
    owners = db.session.scalars(
        select(Notification.user_id).where(Notification.kind == "callbacks.escalated")
    ).all()
    assert owners == [open_shop.alpha_owner.id]


def test_settings_validate_hours(shop, owner_client):
    page = owner_client.post(
        "/admin/alpha/plugins/callbacks/settings",
        data={
            **ALWAYS,
            "hours_mon": "9 to 5",
            "target_minutes": "10",
            "complaint_target_minutes": "5",
        },
    )
    assert "Write opening hours like 09:00-18:00" in page.text


def test_queue_queries_do_not_grow(open_shop, client, agent_client, count_queries):
    def queries() -> int:
        agent_client.get("/admin/alpha/callbacks/")
        with count_queries() as counter:
            agent_client.get("/admin/alpha/callbacks/")
        return counter.count

    contact(client)
    few = queries()
    for n in range(4):
        contact(client, name=f"Shopper {n}")
    assert queries() == few
