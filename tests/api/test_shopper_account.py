"""The shopper's account through the API: profile, address book and one shop's inbox."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from storefront.extensions import db
from storefront.models import Address, Notification, User
from storefront.testing import bearer, merchant_key

ZH = {"Accept-Language": "zh-CN"}
ADDRESS = {
    "recipient": "Alice Wang",
    "phone": "138 0013 8000",
    "line1": "88 Century Avenue",
    "city": "Shanghai",
    "province": "Shanghai",
    "postcode": "200120",
}


@pytest.fixture
def storefront_plugins():
    return []


@pytest.fixture
def alice(shop):
    return bearer(shop.alice)


@pytest.fixture
def bob(shop):
    return bearer(shop.bob)


def error(answer) -> dict:
    return answer.get_json()["error"]


def fresh(user: User) -> User:
    db.session.expire_all()
    return db.session.get(User, user.id)


# -- profile ----------------------------------------------------------------------------


def test_me_is_the_caller(client, shop, alice, bob):
    assert client.get("/api/v1/me", headers=alice).get_json() == {
        "id": shop.alice.id,
        "name": "Alice",
        "email": "alice@example.com",
        "phone": None,
        "locale": None,
    }
    assert client.get("/api/v1/me", headers=bob).get_json()["email"] == "bob@example.com"


def test_patch_changes_only_what_is_sent(client, shop, alice):
    answer = client.patch("/api/v1/me", json={"phone": "139 0013 9000"}, headers=alice)
    assert answer.status_code == 200
    assert answer.get_json()["phone"] == "+8613900139000"  # as the profile page keeps it
    answer = client.patch(
        "/api/v1/me", json={"name": "  Alice Wang ", "locale": "zh_CN"}, headers=alice
    )
    body = answer.get_json()
    assert (body["name"], body["phone"], body["locale"]) == (
        "Alice Wang",
        "+8613900139000",
        "zh_CN",
    )
    cleared = client.patch("/api/v1/me", json={"phone": None, "locale": None}, headers=alice)
    assert (cleared.get_json()["phone"], cleared.get_json()["locale"]) == (None, None)
    user = fresh(shop.alice)
    assert (user.name, user.phone, user.locale) == ("Alice Wang", None, None)


@pytest.mark.parametrize(
    "body, field, message",
    [
        ({"phone": "12345"}, "phone", "Enter a valid mobile number"),
        ({"name": ""}, "name", "This field is required."),
        ({"name": None}, "name", "This field is required."),
        ({"name": "x" * 121}, "name", "Field cannot be longer than 120 characters."),
        ({"locale": "fr"}, "locale", "Not a valid choice"),
        ({"email": "new@example.com"}, "email", "This field is not known."),
        ({"name": 7}, "name", "Enter text."),
    ],
)
def test_patch_refuses_by_field_and_changes_nothing(client, shop, alice, body, field, message):
    answer = client.patch("/api/v1/me", json={"locale": "en", **body}, headers=alice)
    assert answer.status_code == 400
    assert error(answer)["field"] == field
    assert message in error(answer)["message"]
    user = fresh(shop.alice)
    assert (user.name, user.phone, user.locale, user.email) == (
        "Alice",
        None,
        None,
        "alice@example.com",
    )


def test_a_bad_phone_is_refused_in_both_languages(client, shop, alice):
    english = error(client.patch("/api/v1/me", json={"phone": "12345"}, headers=alice))
    chinese = error(client.patch("/api/v1/me", json={"phone": "12345"}, headers={**alice, **ZH}))
    assert english["field"] == chinese["field"] == "phone"
    assert chinese["message"] != english["message"]


# -- addresses --------------------------------------------------------------------------


def test_addresses_are_saved_listed_and_removed(client, shop, alice):
    assert client.get("/api/v1/me/addresses", headers=alice).get_json() == {"items": []}
    made = client.post("/api/v1/me/addresses", json=ADDRESS, headers=alice)
    assert made.status_code == 201
    body = made.get_json()
    assert body["phone"] == "+8613800138000"
    assert body["one_line"] == "88 Century Avenue, Shanghai, Shanghai, 200120, CN"
    listed = client.get("/api/v1/me/addresses", headers=alice).get_json()["items"]
    assert [a["id"] for a in listed] == [body["id"]]
    gone = client.delete(f"/api/v1/me/addresses/{body['id']}", headers=alice)
    assert gone.status_code == 200 and gone.get_json()["message"] == "Address removed."
    assert client.get("/api/v1/me/addresses", headers=alice).get_json() == {"items": []}
    again = client.delete(f"/api/v1/me/addresses/{body['id']}", headers=alice)
    assert again.status_code == 404


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"phone": "12345"}, "phone"),
        ({"city": ""}, "city"),
        ({"postcode": "1" * 21}, "postcode"),
        ({"line1": None}, "line1"),
        ({"country": "US"}, "country"),
    ],
)
def test_a_bad_address_names_the_field(client, shop, alice, changes, field):
    answer = client.post("/api/v1/me/addresses", json={**ADDRESS, **changes}, headers=alice)
    assert answer.status_code == 400
    assert error(answer)["field"] == field
    assert db.session.scalars(select(Address)).all() == []


def test_address_books_are_each_shoppers_own(client, shop, alice, bob):
    alices = client.post("/api/v1/me/addresses", json=ADDRESS, headers=alice).get_json()["id"]
    assert client.get("/api/v1/me/addresses", headers=bob).get_json() == {"items": []}
    assert client.delete(f"/api/v1/me/addresses/{alices}", headers=bob).status_code == 404
    assert db.session.get(Address, alices) is not None
    assert client.delete("/api/v1/me/addresses/2147483647", headers=alice).status_code == 404


# -- inbox ------------------------------------------------------------------------------


def note(user, merchant, title: str, read: bool = False) -> Notification:
    from storefront.models import utcnow

    notification = Notification(
        user_id=user.id,
        merchant_id=merchant.id if merchant else None,
        title=title,
        body=f"About {title}",
        read_at=utcnow() if read else None,
    )
    db.session.add(notification)
    db.session.flush()
    return notification


@pytest.fixture
def mail(shop):
    made = {
        "alpha1": note(shop.alice, shop.alpha, "alpha one"),
        "alpha2": note(shop.alice, shop.alpha, "alpha two", read=True),
        "alpha3": note(shop.alice, shop.alpha, "alpha three"),
        "platform": note(shop.alice, None, "welcome"),
        "beta": note(shop.alice, shop.beta, "beta one"),
        "bob": note(shop.bob, shop.alpha, "bob's"),
    }
    db.session.commit()
    return made


def inbox(client, headers, merchant="alpha", query=""):
    return client.get(f"/api/v1/shops/{merchant}/inbox{query}", headers=headers)


def test_the_inbox_shows_this_shops_messages_newest_first(client, shop, alice, mail):
    body = inbox(client, alice).get_json()
    assert [m["title"] for m in body["items"]] == [
        "welcome",
        "alpha three",
        "alpha two",
        "alpha one",
    ]
    assert [m["unread"] for m in body["items"]] == [True, True, False, True]
    assert body["unread"] == 3
    assert body["items"][1]["body"] == "About alpha three"
    first = inbox(client, alice, query="?limit=3").get_json()
    rest = inbox(client, alice, query=f"?limit=3&cursor={first['next_cursor']}").get_json()
    assert [m["title"] for m in rest["items"]] == ["alpha one"] and rest["next_cursor"] is None


def test_the_inbox_is_per_shopper_and_per_shop(client, shop, alice, bob, mail):
    assert [m["title"] for m in inbox(client, bob).get_json()["items"]] == ["bob's"]
    assert inbox(client, bob, "beta").get_json()["items"] == []
    titles = [m["title"] for m in inbox(client, alice, "beta").get_json()["items"]]
    assert titles == ["beta one", "welcome"]


def test_marking_named_messages_read(client, shop, alice, bob, mail):
    ids = [mail["alpha1"].id, mail["beta"].id, mail["bob"].id]
    answer = client.post("/api/v1/shops/alpha/inbox/read", json={"ids": ids}, headers=alice)
    assert answer.status_code == 200
    assert answer.get_json() == {"marked": 1, "unread": 2}  # beta's and bob's are not hers here
    db.session.expire_all()
    assert mail["beta"].read_at is None and mail["bob"].read_at is None
    stolen = client.post(
        "/api/v1/shops/alpha/inbox/read", json={"ids": [mail["alpha3"].id]}, headers=bob
    )
    assert stolen.get_json()["marked"] == 0
    db.session.expire_all()
    assert mail["alpha3"].read_at is None


def test_marking_all_read_in_this_shop(client, shop, alice, mail):
    answer = client.post("/api/v1/shops/alpha/inbox/read", json={}, headers=alice)
    assert answer.get_json() == {"marked": 3, "unread": 0}
    db.session.expire_all()
    assert mail["beta"].read_at is None and mail["bob"].read_at is None
    assert inbox(client, alice, "beta").get_json()["unread"] == 1


@pytest.mark.parametrize("body", [{"ids": "all"}, {"ids": [0]}, {"ids": list(range(1, 102))}])
def test_bad_ids_name_the_field(client, shop, alice, mail, body):
    answer = client.post("/api/v1/shops/alpha/inbox/read", json=body, headers=alice)
    assert answer.status_code == 400
    assert error(answer)["field"].startswith("ids")


def test_the_inbox_carries_an_etag(client, shop, alice, mail):
    etag = inbox(client, alice).headers["ETag"]
    assert inbox(client, {**alice, "If-None-Match": etag}).status_code == 304
    client.post("/api/v1/shops/alpha/inbox/read", json={}, headers=alice)
    assert inbox(client, {**alice, "If-None-Match": etag}).status_code == 200


@pytest.mark.parametrize(
    "method, path, body",
    [
        ("GET", "/api/v1/me", None),
        ("PATCH", "/api/v1/me", {"name": "Mallory"}),
        ("GET", "/api/v1/me/addresses", None),
        ("POST", "/api/v1/me/addresses", ADDRESS),
        ("DELETE", "/api/v1/me/addresses/1", None),
        ("GET", "/api/v1/shops/alpha/inbox", None),
        ("POST", "/api/v1/shops/alpha/inbox/read", {}),
    ],
)
def test_only_a_shopper_token_opens_the_account(client, shop, method, path, body):
    assert client.open(path, method=method, json=body).status_code == 401
    key = merchant_key(shop.alpha, shop.alpha_owner)
    assert client.open(path, method=method, json=body, headers=key).status_code == 401
    assert fresh(shop.alpha_owner).name == "Alpha Owner"


def test_api_writes_reuse_the_forms_without_their_csrf_token(app, client, shop, alice):
    app.config["WTF_CSRF_ENABLED"] = True
    answer = client.patch("/api/v1/me", json={"name": "Alice W"}, headers=alice)
    assert answer.status_code == 200 and answer.get_json()["name"] == "Alice W"
    made = client.post("/api/v1/me/addresses", json=ADDRESS, headers=alice)
    assert made.status_code == 201
