"""The owner's API keys page: create (secret shown once), revoke, list, and CORS origins."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from storefront import Membership, db
from storefront.auth.sessions import digest
from storefront.models import ApiKey, AuditLog
from tests.core_helpers import csrf_token, field_errors

PAGE = "/admin/alpha/api-keys"
API = "/api/v1/shops/alpha/admin/orders"


def create(client, name="ERP sync", scopes=("orders:read",), page=PAGE):
    data = {"key-name": name, "key-scopes": list(scopes)}
    return client.post(page, data=data, follow_redirects=True)


def secret_of(page: str) -> str:
    match = re.search(r'value="(sk_[^"]+)"', page)
    assert match, "no secret on the page"
    return match.group(1)


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def the_key() -> ApiKey:
    return db.session.scalar(select(ApiKey))


def test_the_page_is_in_the_owners_navigation(owner_client, agent_client):
    assert 'href="/admin/alpha/api-keys"' in owner_client.get("/admin/alpha/").text
    assert "/api-keys" not in agent_client.get("/admin/alpha/").text


def test_only_the_owner_may_open_or_post(shop, agent_client, client_for, client):
    for who in (agent_client, client_for(shop.beta_owner), client_for(shop.alice)):
        assert who.get(PAGE).status_code == 403
        assert create(who).status_code == 403
        origins = who.post(f"{PAGE}/origins", data={"cors-origins": "https://x.example"})
        assert origins.status_code == 403
    assert client.get(PAGE).status_code == 302  # to the sign-in page
    assert the_key() is None
    db.session.refresh(shop.alpha)
    assert shop.alpha.api_origins is None


def test_the_secret_is_shown_once_and_only_its_digest_is_stored(owner_client, shop):
    scopes = ["plugins:write", "orders:read"]
    posted = owner_client.post(PAGE, data={"key-name": "ERP sync", "key-scopes": scopes})
    assert posted.status_code == 302  # a reload of the page that follows posts nothing
    assert "sk_" not in posted.text
    page = owner_client.get(PAGE)
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "no-store"
    assert "Copy it now: it will not be shown again." in page.text
    secret = secret_of(page.text)
    key = the_key()
    assert key.token_digest == digest(secret) and secret not in key.token_digest
    assert key.scopes == ["orders:read", "plugins:write"]
    assert key.created_by_id == shop.alpha_owner.id
    again = owner_client.get(PAGE).text
    assert secret not in again and "will not be shown again" not in again
    assert "ERP sync" in again and f"sk_…{secret[-4:]}" in again
    entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "api_key.create"))
    assert entry.user_id == shop.alpha_owner.id and secret not in str(entry.after)


def test_the_new_key_works_and_last_used_is_shown(owner_client, client):
    secret = secret_of(create(owner_client).text)
    row = re.search(r"<tr data-key=.*?</tr>", owner_client.get(PAGE).text, re.S).group(0)
    assert "never" in row
    assert client.get(API, headers=bearer(secret)).status_code == 200
    assert the_key().last_used_at is not None
    row = re.search(r"<tr data-key=.*?</tr>", owner_client.get(PAGE).text, re.S).group(0)
    assert "never" not in row


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"key-name": "", "key-scopes": ["orders:read"]}, "key-name"),
        ({"key-name": "x" * 81, "key-scopes": ["orders:read"]}, "key-name"),
        ({"key-name": "ERP"}, "key-scopes"),
        ({"key-name": "ERP", "key-scopes": ["everything"]}, "key-scopes"),
    ],
)
def test_bad_input_is_a_field_error_and_makes_no_key(owner_client, data, field):
    page = owner_client.post(PAGE, data=data)
    assert page.status_code == 200
    if field == "key-scopes":
        assert 'class="error" role="alert"' in page.text.split('class="field scope-choices')[1]
    else:
        assert field in field_errors(page.text)
    assert "sk_" not in page.text.split("<h2>")[0]
    assert the_key() is None


def test_scope_labels_are_translated(owner_client):
    owner_client.post("/lang/zh_CN")
    page = owner_client.get(PAGE).text
    assert "orders:read" in page
    assert "Read orders: list, search and open them" not in page


def test_revoking_stops_the_key_at_once(owner_client, client, shop):
    secret = secret_of(create(owner_client).text)
    key = the_key()
    assert client.get(API, headers=bearer(secret)).status_code == 200
    answer = owner_client.post(f"{PAGE}/{key.id}/revoke")
    assert answer.status_code == 302
    refused = client.get(API, headers=bearer(secret))
    assert refused.status_code == 401
    assert refused.get_json()["error"]["code"] == "unauthorized"
    page = owner_client.get(PAGE).text
    assert "Revoked" in page and f'api-keys/{key.id}/revoke"' not in page
    entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "api_key.revoke"))
    assert entry.user_id == shop.alpha_owner.id


def test_another_shops_key_cannot_be_revoked_from_here(shop, owner_client, client_for):
    beta_owner = client_for(shop.beta_owner)
    secret = secret_of(create(beta_owner, page="/admin/beta/api-keys").text)
    beta_key = the_key()
    assert owner_client.post(f"{PAGE}/{beta_key.id}/revoke").status_code == 404
    assert "ERP sync" not in owner_client.get(PAGE).text
    db.session.refresh(beta_key)
    assert beta_key.revoked_at is None
    beta_orders = "/api/v1/shops/beta/admin/orders"
    assert client_for(shop.alice).get(beta_orders, headers=bearer(secret)).status_code == 200


def test_a_key_stops_working_when_its_creator_leaves_the_staff(
    shop, make, owner_client, client_for, client
):
    second = make.staff(shop.alpha, "owner", name="Second Owner", email="second@alpha.example")
    db.session.commit()
    secret = secret_of(create(client_for(second)).text)
    assert client.get(API, headers=bearer(secret)).status_code == 200
    membership = db.session.scalar(
        select(Membership).filter_by(user_id=second.id, merchant_id=shop.alpha.id)
    )
    assert owner_client.post(f"/admin/alpha/staff/{membership.id}/remove").status_code == 302
    assert client.get(API, headers=bearer(secret)).status_code == 401
    page = owner_client.get(PAGE).text
    assert "no longer on the staff" in page and "Not working" in page


class TestCsrf:
    @pytest.fixture
    def storefront_config(self):
        return {"WTF_CSRF_ENABLED": True}

    def test_every_post_needs_the_pages_token(self, owner_client, client):
        assert create(owner_client).status_code == 400
        assert the_key() is None
        token = csrf_token(owner_client.get(PAGE).text)
        page = owner_client.post(
            PAGE,
            data={"csrf_token": token, "key-name": "ERP", "key-scopes": ["orders:read"]},
            follow_redirects=True,
        )
        assert page.status_code == 200 and "sk_" in page.text
        key = the_key()
        assert owner_client.post(f"{PAGE}/{key.id}/revoke").status_code == 400
        assert owner_client.post(f"{PAGE}/origins", data={"cors-origins": ""}).status_code == 400
        db.session.refresh(key)
        assert key.revoked_at is None
        answer = owner_client.post(f"{PAGE}/{key.id}/revoke", data={"csrf_token": token})
        assert answer.status_code == 302
        db.session.refresh(key)
        assert key.revoked_at is not None


def save_origins(client, text: str):
    return client.post(f"{PAGE}/origins", data={"cors-origins": text})


def test_origins_are_saved_normalised_audited_and_used_for_cors(owner_client, client, shop):
    text = "https://App.Alpha.example\n\n  http://localhost:8080/ \nhttps://shop.example:443\n"
    assert save_origins(owner_client, text).status_code == 302
    db.session.refresh(shop.alpha)
    assert shop.alpha.api_origins == [
        "https://app.alpha.example",
        "http://localhost:8080",
        "https://shop.example",
    ]
    assert "https://app.alpha.example\nhttp://localhost:8080" in owner_client.get(PAGE).text
    entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "shop.api_origins"))
    assert entry.before == {"api_origins": []}
    assert entry.after == {"api_origins": shop.alpha.api_origins}
    listed = client.get("/api/v1/shops/alpha", headers={"Origin": "http://localhost:8080"})
    assert listed.headers["Access-Control-Allow-Origin"] == "http://localhost:8080"
    assert save_origins(owner_client, "").status_code == 302
    db.session.refresh(shop.alpha)
    assert shop.alpha.api_origins is None
    other = client.get("/api/v1/shops/alpha", headers={"Origin": "http://localhost:8080"})
    assert "Access-Control-Allow-Origin" not in other.headers


@pytest.mark.parametrize(
    "text",
    [
        "https://shop.example/path",
        "shop.example",
        "ftp://shop.example",
        "https://*.shop.example",
        "https://user@shop.example",
        "https://shop.example:99999",
        "https://shop.example?x=1",
        "https://good.example\njavascript:alert(1)",
        "\n".join(f"https://s{n}.example" for n in range(21)),
    ],
)
def test_a_bad_origin_is_a_field_error_and_saves_nothing(owner_client, shop, text):
    page = save_origins(owner_client, text)
    assert page.status_code == 200
    assert "cors-origins" in field_errors(page.text)
    db.session.refresh(shop.alpha)
    assert shop.alpha.api_origins is None
    assert db.session.scalar(select(AuditLog).where(AuditLog.action == "shop.api_origins")) is None


def test_the_error_names_the_line(owner_client):
    page = save_origins(owner_client, "https://good.example\nhttps://bad.example/x")
    [message] = field_errors(page.text)["cors-origins"]
    assert message.startswith("Line 2:")
