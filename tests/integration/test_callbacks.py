"""Contact requests through the test client: validation, hours, threads, queue, isolation."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from flask import g
from sqlalchemy import func, insert, select, text

from storefront import Notification, db, utcnow
from storefront.plugins.callbacks import open_requests, shop_views
from storefront.plugins.callbacks.business_time import BusinessHours
from storefront.plugins.callbacks.models import ContactMessage, ContactRequest
from storefront.plugins.callbacks.service import due_at, hours_for, is_overdue
from storefront.testing import QueryCounter

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


# -- counted, sorted and paged in SQL -----------------------------------------------------

SHANGHAI = ZoneInfo("Asia/Shanghai")
FAR = datetime.max.replace(tzinfo=UTC)
QUEUE_ROW = re.compile(
    r'<tr class="(overdue|)" data-testid="queue-row">\s*<td[^>]*><span><a href="[^"]*">([^<]+)</a>'
)


def shanghai(*args) -> datetime:
    return datetime(*args, tzinfo=SHANGHAI)


def add_requests(merchant, *requests: dict) -> None:
    """Insert requests in one statement; each dict needs a name and created_at."""
    defaults = {"merchant_id": merchant.id, "topic": "presale", "mode": "call", "status": "new"}
    db.session.execute(insert(ContactRequest), [{**defaults, **r} for r in requests])
    db.session.commit()


def answered(created: datetime) -> dict:
    return {"status": "waiting", "first_response_at": created + timedelta(minutes=1)}


def clock(monkeypatch, now: datetime) -> None:
    """Pin the time the counts and the queue are computed for."""
    monkeypatch.setattr(open_requests, "utcnow", lambda: now)


def queue_rows(page: str) -> list[tuple[str, bool]]:
    """(name, shown as overdue) for each row of a queue page."""
    return [(name, late == "overdue") for late, name in QUEUE_ROW.findall(page)]


def reference_queue(
    merchant, now: datetime, assignee_id: int | None = None
) -> list[tuple[str, bool]]:
    """The queue as it was sorted before SQL did it: every open request, in Python."""
    query = select(ContactRequest).where(
        ContactRequest.merchant_id == merchant.id, ContactRequest.status != "resolved"
    )
    if assignee_id is not None:
        query = query.where(ContactRequest.assignee_id == assignee_id)
    found = db.session.scalars(query.order_by(ContactRequest.created_at, ContactRequest.id))
    hours = hours_for(merchant)

    def key(r: ContactRequest) -> tuple:
        answered = r.first_response_at is not None
        return not is_overdue(r, hours, now), answered, due_at(r, hours) or FAR

    return [(r.name, not key(r)[0]) for r in sorted(found, key=key)]


def python_counts(merchant, now: datetime) -> tuple[int, int]:
    """Waiting and overdue the way the menu counted them before, one request at a time."""
    waiting = db.session.scalars(
        select(ContactRequest).where(
            ContactRequest.merchant_id == merchant.id,
            ContactRequest.status != "resolved",
            ContactRequest.first_response_at.is_(None),
        )
    ).all()
    hours = hours_for(merchant)
    return len(waiting), sum(is_overdue(r, hours, now) for r in waiting)


def cards(page: str) -> tuple[int, int]:
    waiting = re.search(r'<span class="figure">(\d+)</span><span>Requests waiting', page)
    overdue = re.search(r'data-testid="callbacks-overdue"><span class="figure">(\d+)<', page)
    return int(waiting.group(1)), int(overdue.group(1))


def nav_badge(page: str) -> str | None:
    found = re.search(
        r'callbacks/"[^>]*>Contact requests(?: <span class="badge">(\d+)</span>)?', page
    )
    return found.group(1)


# Business hours are the defaults (weekdays 09:00-18:00, Saturday 10:00-16:00, Sunday
# closed); general target 10 business minutes, complaints 60. 23 November 2026 is a Monday.
IN_AND_OUT_OF_HOURS = (
    {"name": "Friday afternoon", "created_at": shanghai(2026, 11, 20, 17, 0)},  # due Fri 17:10
    {"name": "Friday closing", "created_at": shanghai(2026, 11, 20, 17, 58)},  # Sat 10:08
    {"name": "Saturday", "created_at": shanghai(2026, 11, 21, 15, 50)},  # Sat 16:00
    {"name": "Saturday closing", "created_at": shanghai(2026, 11, 21, 15, 55)},  # Mon 09:05
    {"name": "Sunday", "created_at": shanghai(2026, 11, 22, 12, 0)},  # Mon 09:10
    {"name": "Monday early", "created_at": shanghai(2026, 11, 23, 8, 0)},  # Mon 09:10
    {
        "name": "Friday complaint",
        "topic": "complaint",
        "created_at": shanghai(2026, 11, 20, 16, 0),  # due Fri 17:00
    },
    {
        "name": "Saturday complaint",
        "topic": "complaint",
        "created_at": shanghai(2026, 11, 21, 15, 30),  # due Mon 09:30
    },
    {"name": "Answered", "created_at": shanghai(2026, 11, 20, 10, 0), **answered(utcnow())},
    {"name": "Resolved", "created_at": shanghai(2026, 11, 19, 10, 0), "status": "resolved"},
)


@pytest.mark.parametrize(
    ("now", "overdue"),
    [
        (shanghai(2026, 11, 21, 16, 30), 4),  # Saturday after closing: the clock has stopped
        (shanghai(2026, 11, 23, 9, 5), 4),  # Monday, just open: "Saturday closing" due now
        (shanghai(2026, 11, 23, 9, 5, 0, 1), 5),  # ... and a microsecond later it is late
        (shanghai(2026, 11, 23, 9, 10), 5),  # Sunday and early Monday are due exactly now
        (shanghai(2026, 11, 23, 9, 10, 0, 1), 7),
        (shanghai(2026, 11, 23, 9, 31), 8),  # the Saturday complaint had an hour
    ],
)
def test_menu_and_cards_count_waiting_and_overdue_in_business_time(
    shop, enable_plugin, owner_client, monkeypatch, now, overdue
):
    enable_plugin("callbacks", shop.alpha, complaint_target_minutes=60)
    add_requests(shop.alpha, *IN_AND_OUT_OF_HOURS)
    add_requests(shop.beta, {"name": "Other shop", "created_at": shanghai(2026, 11, 2, 10, 0)})
    clock(monkeypatch, now)
    page = owner_client.get("/admin/alpha/").text
    assert cards(page) == (8, overdue) == python_counts(shop.alpha, now)
    assert nav_badge(page) == str(overdue)
    assert f"{overdue} requests are overdue." in owner_client.get("/admin/alpha/callbacks/").text


def test_a_shop_that_never_opens_has_nothing_overdue(shop, enable_plugin, owner_client):
    enable_plugin("callbacks", shop.alpha, **NEVER)
    add_requests(shop.alpha, {"name": "Old", "created_at": utcnow() - timedelta(days=30)})
    page = owner_client.get("/admin/alpha/").text
    assert cards(page) == (1, 0)
    assert nav_badge(page) is None


def spread_over_a_weekend(count: int, agent_id: int) -> list[dict]:
    """Requests every 53 minutes back from Monday 10:00, in hours and out, some answered."""
    requests = []
    for n in range(count):
        created = shanghai(2026, 11, 23, 10, 0) - timedelta(minutes=53 * n)
        request = {"name": f"Shopper {n:03d}", "created_at": created}
        request["topic"] = ("presale", "complaint", "order", "complaint", "other")[n % 5]
        request["assignee_id"] = agent_id if n % 3 == 0 else None
        requests.append({**request, **(answered(created) if n % 7 == 0 else {})})
    return requests


@pytest.mark.parametrize("complaint_minutes", [240, 600])
@pytest.mark.parametrize("mine", [False, True])
def test_queue_pages_keep_the_order_overdue_first(
    shop, enable_plugin, agent_client, monkeypatch, complaint_minutes, mine
):
    enable_plugin(
        "callbacks", shop.alpha, target_minutes=240, complaint_target_minutes=complaint_minutes
    )
    add_requests(shop.alpha, *spread_over_a_weekend(100, shop.alpha_agent.id))
    now = shanghai(2026, 11, 23, 10, 0)
    clock(monkeypatch, now)
    expected = reference_queue(shop.alpha, now, shop.alpha_agent.id if mine else None)
    pages = (len(expected) + 24) // 25
    url = "/admin/alpha/callbacks/?mine=1&page=" if mine else "/admin/alpha/callbacks/?page="
    texts = [agent_client.get(f"{url}{n}").text for n in range(1, pages + 1)]
    sizes = [len(queue_rows(text)) for text in texts]
    assert sizes[:-1] == [25] * (pages - 1) and 0 < sizes[-1] <= 25
    assert f"Page {pages} of {pages}" in texts[-1]
    assert [row for text in texts for row in queue_rows(text)] == expected
    overdue = sum(late for _name, late in expected)
    assert overdue > 25 if not mine else overdue > 0  # the overdue ones go on to page 2
    assert f"{overdue} requests are overdue." in texts[0]
    assert queue_rows(agent_client.get(f"{url}99").text) == queue_rows(texts[-1])


def queries(client, url: str, count_queries) -> QueryCounter:
    client.get(url)
    with count_queries() as counter:
        assert client.get(url).status_code == 200
    return counter


def many_requests(count: int, agent_id: int) -> list[dict]:
    """Open requests over the last weeks: overdue, not yet, answered, assigned or not."""
    now = utcnow()
    requests = []
    for n in range(count):
        created = now - timedelta(minutes=37 * n)
        request = {"name": f"Many {n}", "created_at": created, "assignee_id": agent_id}
        request["topic"] = ("complaint", "presale", "order")[n % 3]
        requests.append({**request, **(answered(created) if n % 4 == 0 else {})})
    return requests


@pytest.mark.parametrize(
    "url",
    [
        "/admin/alpha/",
        "/admin/alpha/orders",
        "/admin/alpha/callbacks/",
        "/admin/alpha/callbacks/?page=3",
        "/admin/alpha/callbacks/?mine=1",
    ],
)
@pytest.mark.parametrize("complaint_minutes", [10, 60])
def test_admin_pages_do_not_grow_with_open_requests(
    shop, enable_plugin, owner_client, count_queries, url, complaint_minutes
):
    enable_plugin("callbacks", shop.alpha, complaint_target_minutes=complaint_minutes)
    add_requests(shop.alpha, *many_requests(3, shop.alpha_owner.id))
    few = queries(owner_client, url, count_queries).count
    add_requests(shop.alpha, *many_requests(1200, shop.alpha_owner.id))  # > 2 selectin batches
    many = queries(owner_client, url, count_queries)
    assert many.count == few
    statements = " ".join(many.statements)
    assert "callbacks_message" not in statements and "callbacks_attempt" not in statements
    if url == "/admin/alpha/":
        assert statements.count("FROM callbacks_request") == 1  # menu and cards share it


def test_overdue_cutoff_agrees_with_due_times_to_the_microsecond():
    """`due_cutoff` decides in SQL what `add_minutes` decides per request."""
    week = {f"hours_{d}": "09:00-18:00" for d in ("mon", "tue", "wed", "thu", "fri")}
    midnight = {"hours_mon": "22:00-24:00", "hours_tue": "00:00-01:00", "holidays": "2026-03-31"}
    schedules = [
        BusinessHours.from_settings({**week, "hours_sat": "10:00-16:00"}, "Asia/Shanghai"),
        BusinessHours.from_settings({**ALWAYS, "holidays": "2026-03-29"}, "Europe/London"),
        BusinessHours.from_settings(midnight, "America/New_York"),
        BusinessHours.from_settings({"hours_sun": "00:30-03:30"}, "Europe/London"),  # DST
    ]
    tick = timedelta(microseconds=1)
    for hours in schedules:
        edges = [
            edge
            for day in range(21)
            for edge in hours._window(datetime(2026, 3, 16).date() + timedelta(days=day)) or ()
        ]
        for now in [edge + d for edge in edges for d in (-tick, 0 * tick, tick)]:
            for minutes in (1, 10, 90):
                cutoff = hours.due_cutoff(minutes, now)
                starts = [edge + d for edge in edges if edge < now for d in (-tick, 0 * tick, tick)]
                if cutoff:
                    starts += [cutoff.moment - tick, cutoff.moment, cutoff.moment + tick]
                for start in starts:
                    due = hours.add_minutes(start, minutes)
                    late = due is not None and now > due
                    assert bool(cutoff and cutoff.covers(start)) == late, (now, minutes, start)


# -- a shopper's messages, paged ----------------------------------------------------------

MY_ROW = re.compile(r"<small>([^<]*)</small></li>")


def shopper_requests(merchant, user, count: int, first: int = 0) -> None:
    """Requests of `user`, request `first` the newest, an hour apart, each a short thread.

    Each opens with "Opening n" and ends with the shop's "Latest n": the list must show the
    latest message of each, never the first.
    """
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
        for n in range(first, first + count)
    ]
    statement = insert(ContactRequest).returning(ContactRequest.id, sort_by_parameter_order=True)
    ids = db.session.scalars(statement, rows).all()
    for n, request_id in enumerate(ids, start=first):
        db.session.execute(
            insert(ContactMessage),
            [
                {"request_id": request_id, "author_id": user.id, "body": f"Opening {n}"},
                {"request_id": request_id, "from_shop": True, "body": f"Latest {n}"},
            ],
        )
    db.session.commit()


def my_rows(page: str) -> list[str]:
    """The message shown on each row of "My messages", top to bottom."""
    start = page.find('data-testid="my-messages"')
    return MY_ROW.findall(page[start : page.find("</ul>", start)]) if start >= 0 else []


def test_my_messages_are_paged_newest_first_with_each_latest_message(open_shop, client_for):
    shopper_requests(open_shop.alpha, open_shop.alice, 25)
    alice = client_for(open_shop.alice)
    first = alice.get("/shop/alpha/account/messages").text
    second = alice.get("/shop/alpha/account/messages?page=2").text
    assert my_rows(first) == [f"Latest {n}" for n in range(20)]
    assert my_rows(second) == [f"Latest {n}" for n in range(20, 25)]
    assert "Opening" not in first + second
    assert 'rel="next"' in first and 'rel="prev"' not in first
    assert 'rel="prev"' in second and 'rel="next"' not in second
    assert "Page 2 of 2" in second


@pytest.mark.parametrize("page", ["3", "99", str(10**30), "0", "-2", "junk"])
def test_my_messages_answer_any_page_argument(open_shop, client_for, page):
    shopper_requests(open_shop.alpha, open_shop.alice, 3)
    response = client_for(open_shop.alice).get(f"/shop/alpha/account/messages?page={page}")
    assert response.status_code == 200
    if page in ("0", "-2", "junk"):  # read as the first page
        assert my_rows(response.text) == ["Latest 0", "Latest 1", "Latest 2"]
    else:  # past the end: empty, with the way back
        assert my_rows(response.text) == [] and "This page is empty." in response.text


def test_other_shoppers_and_shops_never_see_my_messages(open_shop, client_for):
    shopper_requests(open_shop.alpha, open_shop.alice, 3)
    shopper_requests(open_shop.alpha, open_shop.bob, 1, first=7)
    alice, bob = client_for(open_shop.alice), client_for(open_shop.bob)
    assert my_rows(bob.get("/shop/alpha/account/messages").text) == ["Latest 7"]
    assert "Latest 7" not in alice.get("/shop/alpha/account/messages").text
    elsewhere = alice.get("/shop/beta/account/messages").text
    assert my_rows(elsewhere) == [] and "No messages yet." in elsewhere


def test_my_messages_page_does_not_grow_with_requests(open_shop, client_for, count_queries):
    alice = client_for(open_shop.alice)
    url = "/shop/alpha/account/messages"
    shopper_requests(open_shop.alpha, open_shop.alice, 3)
    few = queries(alice, url, count_queries).count
    shopper_requests(open_shop.alpha, open_shop.alice, 57, first=3)  # 60 in all, 3 pages
    many = queries(alice, url, count_queries)
    assert many.count == few
    assert "callbacks_attempt" not in " ".join(many.statements)
    assert len(my_rows(alice.get(url).text)) == 20


def test_my_messages_are_read_in_index_order(open_shop, app):
    """No sort step: a page of a shopper's messages skips index entries, however many."""
    with app.test_request_context():
        g.merchant = open_shop.alpha
        query = shop_views.my_requests(open_shop.alice.id).offset(100).limit(20)
        sql = str(query.compile(db.engine, compile_kwargs={"literal_binds": True}))
    if db.engine.dialect.name == "postgresql":
        # An empty test table makes a scan look cheapest; ask which index can give the order.
        db.session.execute(text("SET LOCAL enable_seqscan = off"))
        plan = " ".join(row[0] for row in db.session.execute(text(f"EXPLAIN {sql}")))
        db.session.rollback()
        assert "ix_callbacks_mine" in plan and "Sort" not in plan, plan
    else:
        plan = " ".join(row[-1] for row in db.session.execute(text(f"EXPLAIN QUERY PLAN {sql}")))
        assert "USING INDEX ix_callbacks_mine" in plan and "TEMP B-TREE" not in plan, plan
