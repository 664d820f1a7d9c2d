"""Sign-ins are revocable: a copied cookie or remember token dies with the sign-in it came from."""

from __future__ import annotations

import statistics
import time

import pytest
from sqlalchemy import func, select

from storefront import db
from storefront.models import UserSession
from tests.core_helpers import field_errors


@pytest.fixture
def storefront_plugins():
    return []


def sign_in(client, user, password, remember=False):
    data = {"email": user.email, "password": password}
    if remember:
        data["remember"] = "y"
    response = client.post("/login", data=data)
    assert response.status_code == 302, response.text
    return client


def copy_of(app, client, *names):
    """Another browser holding copies of `client`'s cookies (what a thief would take)."""
    thief = app.test_client()
    for name in names:
        cookie = client.get_cookie(name)
        assert cookie is not None, f"no {name} cookie"
        thief.set_cookie(name, cookie.value)
    return thief


def is_signed_in(client) -> bool:
    return client.get("/shop/alpha/account").status_code == 200


def test_a_session_cookie_copied_before_sign_out_is_dead_after_it(app, shop, client):
    sign_in(client, shop.alice, shop.password)
    thief = copy_of(app, client, "session")
    assert is_signed_in(thief)

    client.post("/logout")

    assert not is_signed_in(client)
    assert not is_signed_in(thief)


def test_a_remember_token_copied_before_sign_out_is_dead_after_it(app, shop, client):
    sign_in(client, shop.alice, shop.password, remember=True)
    cookie = client.get_cookie("remember_token")
    assert cookie is not None and cookie.same_site == "Lax" and cookie.http_only
    thief = copy_of(app, client, "remember_token")
    assert is_signed_in(thief)  # the remember cookie alone signs in

    client.post("/logout")

    assert not is_signed_in(copy_of(app, thief, "remember_token"))


def test_signing_out_on_one_device_leaves_the_others_signed_in(app, shop, client):
    phone = sign_in(app.test_client(), shop.alice, shop.password)
    sign_in(client, shop.alice, shop.password)
    client.post("/logout")
    assert is_signed_in(phone)


def test_a_cookie_from_before_sign_ins_were_stored_opens_nothing(app, shop, client):
    with client.session_transaction() as session:
        session["_user_id"] = str(shop.alice.id)
        session["_fresh"] = True
    assert not is_signed_in(client)


def test_changing_the_password_signs_out_every_other_device(app, shop, client):
    laptop = sign_in(client, shop.alice, shop.password, remember=True)
    phone = sign_in(app.test_client(), shop.alice, shop.password, remember=True)
    stolen = copy_of(app, phone, "remember_token")

    page = laptop.get("/shop/alpha/account/security").text
    assert "Chrome" not in page and "This device" in page
    response = laptop.post(
        "/shop/alpha/account/security",
        data={"current": shop.password, "password": "brand-new-pass", "confirm": "brand-new-pass"},
    )
    assert response.status_code == 302
    page = laptop.get("/shop/alpha/account/security").text
    assert "Your password is changed. You were signed out on your other devices." in page

    assert is_signed_in(laptop)
    assert not is_signed_in(phone)
    assert not is_signed_in(stolen)
    db.session.expire_all()
    assert shop.alice.check_password("brand-new-pass")


def test_a_wrong_current_password_changes_nothing(app, shop, client):
    sign_in(client, shop.alice, shop.password)
    phone = sign_in(app.test_client(), shop.alice, shop.password)
    response = client.post(
        "/shop/alpha/account/security",
        data={
            "current": "not-it-at-all",
            "password": "brand-new-pass",
            "confirm": "brand-new-pass",
        },
    )
    assert response.status_code == 400
    assert field_errors(response.text)["current"] == ["This is not your current password."]
    assert is_signed_in(phone)
    db.session.expire_all()
    assert shop.alice.check_password(shop.password)


def test_sign_out_everywhere_ends_every_sign_in_remembered_ones_too(app, shop, client):
    sign_in(client, shop.alice, shop.password)
    phone = sign_in(app.test_client(), shop.alice, shop.password, remember=True)
    stolen = copy_of(app, phone, "remember_token")
    bobs = sign_in(app.test_client(), shop.bob, shop.password)

    response = client.post("/shop/alpha/account/security/sign-out-everywhere")
    assert response.headers["Location"] == "/shop/alpha/login"

    assert not any(is_signed_in(c) for c in (client, phone, stolen))
    assert is_signed_in(bobs)  # only Alice's sign-ins
    count = select(func.count()).select_from(UserSession)
    assert db.session.scalar(count.where(UserSession.user_id == shop.alice.id)) == 0


def test_the_sign_ins_list_names_the_devices(app, shop, client):
    sign_in(client, shop.alice, shop.password)
    phone = app.test_client()
    phone.environ_base["HTTP_USER_AGENT"] = (
        "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/131.0 Mobile Safari/537.36"
    )
    sign_in(phone, shop.alice, shop.password)
    page = client.get("/shop/alpha/account/security").text
    assert "Chrome on Android" in page
    assert page.count("This device") == 1


def test_sign_in_takes_as_long_for_an_unknown_email_as_for_a_known_one(shop, client):
    """Without a stand-in hash an unknown email answered 20 times faster: a list of accounts."""

    def attempt(email: str) -> float:
        started = time.perf_counter()
        client.post("/login", data={"email": email, "password": "wrong-password-1"})
        return time.perf_counter() - started

    known, unknown = [], []
    for _ in range(4):  # interleaved, so both see the same machine
        known.append(attempt(shop.alice.email))
        unknown.append(attempt("nobody@example.com"))
    ratio = statistics.median(unknown) / statistics.median(known)
    assert 0.5 < ratio < 2, (known, unknown)


def test_registration_mails_one_address_at_most_five_times_an_hour(shop, client, sent_emails):
    form = {"name": "Carol", "email": "alice@example.com", "password": "long-enough-1"}
    form["confirm"] = form["password"]
    answers = [client.post("/register", data=form).status_code for _ in range(6)]
    assert answers == [200] * 5 + [429]
    assert len(sent_emails) == 5


class TestCachingOfPersonalPages:
    def test_signed_in_pages_and_sign_in_forms_are_not_stored(self, shop, client, client_for):
        alice = client_for(shop.alice)
        for url in ("/shop/alpha/account", "/shop/alpha/account/security", "/shop/alpha/p/sneaker"):
            assert alice.get(url).headers["Cache-Control"] == "private, no-store", url
        assert client.get("/login").headers["Cache-Control"] == "private, no-store"

    def test_a_visitors_product_page_stays_cacheable(self, shop, client):
        assert "no-store" not in client.get("/shop/alpha/p/sneaker").headers.get(
            "Cache-Control", ""
        )
