"""Accounts: registration, sign-in and out, rate limits, CSRF, safe redirects."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from storefront import db
from storefront.models import SignupRequest, User
from tests.core_helpers import csrf_token, field_errors


@pytest.fixture
def storefront_plugins():
    return []


GOOD = {
    "name": "Carol",
    "email": "carol@example.com",
    "phone": "",
    "password": "long-enough-1",
    "confirm": "long-enough-1",
}


def register(client, **changes):
    return client.post("/shop/alpha/register", data={**GOOD, **changes})


def confirm_link(mail) -> str:
    match = re.search(r"http://[^/\s]+(/\S*/register/confirm/\S+)", mail.get_content())
    assert match, mail.get_content()
    return match.group(1)


def test_register_sends_a_link_that_creates_the_signed_in_account(shop, client, sent_emails):
    response = register(client, email="  Carol@Example.com ")
    assert response.status_code == 200
    assert "Check your email" in response.text and "carol@example.com" in response.text
    assert db.session.scalar(select(User).where(User.email == "carol@example.com")) is None
    [mail] = sent_emails
    assert mail["To"] == "carol@example.com"
    assert mail["Subject"] == "Confirm your email address for Alpha Home"
    link = confirm_link(mail)

    page = client.get(link)  # a mail scanner following the link creates nothing
    assert page.status_code == 200 and "Create my account" in page.text
    assert db.session.scalar(select(User).where(User.email == "carol@example.com")) is None

    response = client.post(link)
    assert response.status_code == 302
    assert response.headers["Location"] == "/shop/alpha/"
    user = db.session.scalar(select(User).where(User.email == "carol@example.com"))
    assert user is not None and user.name == "Carol"
    assert user.password_hash != GOOD["password"] and user.check_password(GOOD["password"])
    page = client.get("/shop/alpha/").text
    assert "Welcome, Carol! Your account is ready." in page
    assert 'href="/shop/alpha/account"' in page


def test_a_confirmation_link_works_once_and_for_a_day(shop, client, sent_emails):
    register(client)
    link = confirm_link(sent_emails[-1])
    assert client.post(link).status_code == 302
    again = client_for_nobody(client).post(link)
    assert again.status_code == 404 and "This link no longer works" in again.text

    register(client, email="dave@example.com", name="Dave")
    late = confirm_link(sent_emails[-1])
    pending = db.session.scalar(
        select(SignupRequest).where(SignupRequest.email == "dave@example.com")
    )
    pending.created_at -= timedelta(hours=25)
    db.session.commit()
    assert client.post(late).status_code == 404
    assert db.session.scalar(select(User).where(User.email == "dave@example.com")) is None


def client_for_nobody(client):
    """The same browser, signed out."""
    client.post("/logout")
    return client


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"email": "not-an-email"}, "email", "Invalid email address."),
        ({"email": ""}, "email", "This field is required."),
        ({"password": "short", "confirm": "short"}, "password", "between 8 and 200 characters"),
        ({"confirm": "something-else"}, "confirm", "Passwords do not match."),
        ({"name": ""}, "name", "This field is required."),
        ({"phone": "12345"}, "phone", "Enter a valid mobile number"),
    ],
    ids=["bad-email", "no-email", "short-password", "mismatch", "no-name", "bad-phone"],
)
def test_register_shows_field_errors(shop, client, changes, field, message):
    response = register(client, **changes)
    assert response.status_code == 200
    errors = field_errors(response.text)
    assert field in errors, errors
    assert any(message in e for e in errors[field]), errors
    assert db.session.scalar(select(User).where(User.email == "carol@example.com")) is None
    assert f'value="{GOOD["name"] if field != "name" else ""}"' in response.text  # input kept


def same_page(html: str, email: str) -> str:
    """The page without what differs by design: the address typed and the CSRF tokens."""
    html = html.replace(email, "EMAIL")
    return re.sub(r'(name="csrf_token"[^>]*value=")[^"]+', r"\1", html)


def test_a_known_email_gets_the_same_answer_and_a_mail_instead(shop, client, sent_emails):
    """The form must not tell a stranger who has an account here."""
    new = register(client, email="carol@example.com").text
    known = register(client, email="ALICE@example.com").text
    assert same_page(known, "alice@example.com") == same_page(new, "carol@example.com")
    assert len(db.session.scalars(select(User).where(User.name == "Carol")).all()) == 0
    assert (
        db.session.scalar(select(SignupRequest).where(SignupRequest.email == "alice@example.com"))
        is None
    )
    mail = sent_emails[-1]
    assert mail["To"] == "alice@example.com"
    assert mail["Subject"] == "You already have an account at Alpha Home"
    assert "/register/confirm/" not in mail.get_content()


def test_register_normalises_the_phone_number(shop, client, sent_emails):
    register(client, phone="138 0013 8000")
    client.post(confirm_link(sent_emails[-1]))
    user = db.session.scalar(select(User).where(User.email == "carol@example.com"))
    assert user.phone == "+8613800138000"


def test_login_and_logout(shop, client):
    response = client.post(
        "/shop/alpha/login", data={"email": "Alice@Example.com", "password": shop.password}
    )
    assert response.status_code == 302
    assert "Hello, Alice" in client.get("/shop/alpha/account").text

    assert client.get("/logout").status_code == 405  # signing out changes state: POST only
    response = client.post("/logout", data={"next": "/shop/alpha/"})
    assert response.headers["Location"] == "/shop/alpha/"
    assert "You are signed out." in client.get("/shop/alpha/").text
    assert client.get("/shop/alpha/account").status_code == 302


def test_wrong_password_says_so_without_telling_which(shop, client):
    for email in ("alice@example.com", "nobody@example.com"):
        response = client.post("/login", data={"email": email, "password": "wrong-password"})
        assert response.status_code == 200
        assert field_errors(response.text)["password"] == ["Email or password is wrong."]
    assert client.get("/shop/alpha/account").status_code == 302


def test_account_pages_send_guests_to_sign_in_and_back(shop, client):
    response = client.get("/shop/alpha/account")
    assert response.status_code == 302
    assert "/login?next=%2Fshop%2Falpha%2Faccount" in response.headers["Location"]
    response = client.post(
        "/login?next=/shop/alpha/account",
        data={"email": "alice@example.com", "password": shop.password},
    )
    assert response.headers["Location"] == "/shop/alpha/account"


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example",
        "http:/evil.example",
        "javascript:alert(1)",
        "/\t/evil.example",
        "/\n/evil.example",
        "/\r\n//evil.example",
        " //evil.example",
        "/\x7f/evil.example",
    ],
)
def test_login_refuses_to_redirect_off_site(shop, client, target):
    response = client.post(
        "/shop/alpha/login",
        query_string={"next": target},
        data={"email": "alice@example.com", "password": shop.password},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/shop/alpha/"


def test_language_switch_refuses_to_redirect_off_site(shop, client):
    for target in ("//evil.example/", "/\t/evil.example", "/\\evil.example"):
        response = client.post("/lang/en", data={"next": target})
        assert response.headers["Location"] == "/", target


def test_a_tab_encoded_in_the_query_string_does_not_lead_off_site(shop, client):
    """`next=/%09/evil.example` arrives as a tab, which browsers drop: `//evil.example`."""
    response = client.post(
        "/login?next=/%09/evil.example",
        data={"email": "alice@example.com", "password": shop.password},
    )
    assert response.headers["Location"] == "/"
    response = client.post("/logout?next=/%09/evil.example")
    assert response.headers["Location"] == "/login"


def test_a_path_on_this_site_is_followed_with_its_query(shop, client):
    response = client.post(
        "/login?next=/shop/alpha/search%3Fq%3Dduvet",
        data={"email": "alice@example.com", "password": shop.password},
    )
    assert response.headers["Location"] == "/shop/alpha/search?q=duvet"


def test_login_is_rate_limited(shop, client):
    for attempt in range(10):
        response = client.post(
            "/shop/alpha/login", data={"email": "alice@example.com", "password": f"guess-{attempt}"}
        )
        assert response.status_code == 200, attempt
    response = client.post(
        "/shop/alpha/login", data={"email": "alice@example.com", "password": shop.password}
    )
    assert response.status_code == 429
    assert "Too many attempts. Please wait a moment and try again." in response.text
    assert client.get("/shop/alpha/login").status_code == 200  # reading the form is not limited


def test_registration_is_rate_limited_too(shop, client):
    for n in range(10):
        register(client, email=f"spam{n}@example.com", password="x", confirm="x")
    assert register(client).status_code == 429


class TestCsrf:
    @pytest.fixture
    def storefront_config(self):
        return {"WTF_CSRF_ENABLED": True}

    def test_a_post_without_token_is_refused_clearly(self, shop, client):
        response = client.post(
            "/shop/alpha/login", data={"email": "alice@example.com", "password": shop.password}
        )
        assert response.status_code == 400
        assert "Your form expired. Please reload the page and try again." in response.text
        assert client.get("/shop/alpha/account").status_code == 302  # not signed in

    def test_a_post_with_a_wrong_token_is_refused(self, shop, client):
        client.get("/shop/alpha/login")
        response = client.post(
            "/shop/alpha/login",
            data={"email": "alice@example.com", "password": shop.password, "csrf_token": "x"},
        )
        assert response.status_code == 400

    def test_the_form_token_lets_the_post_through(self, shop, client):
        token = csrf_token(client.get("/shop/alpha/login").text)
        response = client.post(
            "/shop/alpha/login",
            data={"email": "alice@example.com", "password": shop.password, "csrf_token": token},
        )
        assert response.status_code == 302

    @pytest.mark.parametrize(
        "url",
        ["/logout", "/lang/zh_CN", "/shop/alpha/cart/update", "/shop/alpha/checkout"],
    )
    def test_every_state_change_needs_the_token(self, shop, client_for, url):
        response = client_for(shop.alice).post(url, data={})
        assert response.status_code == 400

    def test_json_clients_get_a_json_error(self, shop, client):
        response = client.post("/shop/alpha/login", json={})
        assert response.status_code == 400
        assert "expired" in response.get_json()["error"]
