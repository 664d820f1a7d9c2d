"""Mini-program sign-in by login code, against a local server speaking WeChat's code2Session.

The server on 127.0.0.1 answers like api.weixin.qq.com/sns/jscode2session: an openid per
(mini-program, person), a unionid when asked for one, errcode 40029 for a bad code, -1 and
45011 when busy, and it can be made slow, broken or refuse the app's secret.
"""

from __future__ import annotations

import json
import logging
import socket
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import func, select, text

from storefront import notify
from storefront.extensions import db
from storefront.models import AuditLog, ExternalAccount, User

APP_ALPHA, SECRET_ALPHA = "wx00000000000a1fa0", "a" * 32
APP_BETA, SECRET_BETA = "wx0000000000000be7", "b" * 32
SESSION_KEY = "tiihtNczf5v6AKRyjwEUhQ=="  # what WeChat hands back and we must never keep


@dataclass
class FakeWechat:
    """The code2Session contract, and every query it was sent."""

    apps: dict[str, str] = field(default_factory=lambda: {APP_ALPHA: SECRET_ALPHA})
    calls: list[dict[str, str]] = field(default_factory=list)
    url: str = ""

    def answer(self, query: dict[str, str]) -> tuple[int, bytes]:
        self.calls.append(query)
        code, app = query.get("js_code", ""), query.get("appid", "")
        if query.get("grant_type") != "authorization_code" or not code:
            return 200, self.error(40002, "invalid grant_type")
        if self.apps.get(app) != query.get("secret"):
            return 200, self.error(40125, "invalid appsecret")
        kind, _, person = code.partition("-")
        if kind == "slow":
            time.sleep(2.5)
            kind = "good"
        if kind in ("good", "union"):
            body = {"openid": f"o{app[-4:]}{person}", "session_key": SESSION_KEY}
            if kind == "union":
                body["unionid"] = f"u{person}"
            return 200, json.dumps(body).encode()
        special = {
            "bad": (200, self.error(40029, "invalid code")),
            "used": (200, self.error(40163, "code been used")),
            "busy": (200, self.error(-1, "system error")),
            "limit": (200, self.error(45011, "api minute-quota reach limit")),
            "broken": (200, b"<html>gateway</html>"),
            "noid": (200, json.dumps({"session_key": SESSION_KEY}).encode()),
            "down": (503, b"unavailable"),
        }
        return special.get(kind, (200, self.error(40029, "invalid code")))

    @staticmethod
    def error(code: int, message: str) -> bytes:
        return json.dumps({"errcode": code, "errmsg": f"{message}, rid: 6571"}).encode()


@pytest.fixture
def wechat():
    fake = FakeWechat()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            parts = urlsplit(self.path)
            if parts.path != "/sns/jscode2session":
                status, body = 404, b"{}"
            else:
                query = {k: v[0] for k, v in parse_qs(parts.query).items()}
                status, body = fake.answer(query)
            try:
                self.send_response(status)
                self.send_header("Content-Type", "text/plain")  # as WeChat sends it
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            except OSError:
                pass  # the client gave up waiting (the slow case)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    fake.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture
def storefront_config(wechat):
    return {"STOREFRONT_WECHAT_API_BASE": wechat.url, "LOGIN_RATE_LIMIT": "1000 per minute"}


@pytest.fixture
def wechat_on(shop, enable_plugin):
    enable_plugin("wechat_login", shop.alpha, app_id=APP_ALPHA, app_secret=SECRET_ALPHA, timeout=1)
    return shop


def login(http, code, merchant="alpha", provider="wechat", **extra):
    body = {"provider": provider, "code": code, **extra}
    return http.post(f"/api/v1/shops/{merchant}/auth/code", json=body)


def users() -> int:
    return db.session.scalar(select(func.count(User.id)))


def test_first_login_creates_a_shopper_and_the_next_finds_the_same(client, wechat_on, wechat):
    before = users()
    first = login(client, "good-li", client="Alpha mini-program")
    assert first.status_code == 201, first.get_json()
    body = first.get_json()
    assert body["token_type"] == "Bearer" and body["expires_in"] > 0
    assert wechat.calls == [
        {
            "appid": APP_ALPHA,
            "secret": SECRET_ALPHA,
            "js_code": "good-li",
            "grant_type": "authorization_code",
        }
    ]
    again = login(client, "good-li")  # a new wx.login() of the same person
    assert again.status_code == 201
    assert again.get_json()["user_id"] == body["user_id"]
    assert again.get_json()["token"] != body["token"]
    assert users() == before + 1
    account = db.session.get(User, body["user_id"])
    assert account.email.endswith("@no-email.invalid")
    link = db.session.scalar(select(ExternalAccount).where(ExternalAccount.user_id == account.id))
    assert (link.provider, link.issuer, link.subject) == ("wechat", APP_ALPHA, "o1fa0li")


def test_two_people_get_two_accounts(client, wechat_on):
    li = login(client, "good-li").get_json()["user_id"]
    wang = login(client, "good-wang").get_json()["user_id"]
    assert li != wang


def test_the_token_signs_the_shopper_in_and_out(client, wechat_on):
    token = login(client, "good-li").get_json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    assert client.delete("/api/v1/auth/token", headers=headers).status_code == 200
    assert client.delete("/api/v1/auth/token", headers=headers).status_code == 401


def test_each_shop_asks_with_its_own_mini_program(client, shop, enable_plugin, wechat):
    wechat.apps[APP_BETA] = SECRET_BETA
    enable_plugin("wechat_login", shop.alpha, app_id=APP_ALPHA, app_secret=SECRET_ALPHA)
    enable_plugin("wechat_login", shop.beta, app_id=APP_BETA, app_secret=SECRET_BETA)
    in_alpha = login(client, "good-li", "alpha").get_json()["user_id"]
    in_beta = login(client, "good-li", "beta").get_json()["user_id"]
    assert [c["appid"] for c in wechat.calls] == [APP_ALPHA, APP_BETA]
    assert [c["secret"] for c in wechat.calls] == [SECRET_ALPHA, SECRET_BETA]
    # openids differ per mini-program: without a unionid nothing says it is one person
    assert in_alpha != in_beta


def test_a_unionid_finds_the_account_another_shops_mini_program_made(
    client, shop, enable_plugin, wechat
):
    wechat.apps[APP_BETA] = SECRET_BETA
    enable_plugin("wechat_login", shop.alpha, app_id=APP_ALPHA, app_secret=SECRET_ALPHA)
    enable_plugin("wechat_login", shop.beta, app_id=APP_BETA, app_secret=SECRET_BETA)
    in_alpha = login(client, "union-li", "alpha").get_json()["user_id"]
    in_beta = login(client, "union-li", "beta").get_json()["user_id"]
    assert in_alpha == in_beta
    assert login(client, "good-li", "beta").get_json()["user_id"] == in_alpha
    assert login(client, "union-wang", "beta").get_json()["user_id"] != in_alpha
    links = db.session.scalars(select(ExternalAccount).where(ExternalAccount.user_id == in_alpha))
    assert sorted(link.issuer for link in links) == sorted([APP_ALPHA, APP_BETA])


def test_a_shop_without_the_plugin_refuses_and_never_asks_wechat(
    client, shop, enable_plugin, wechat
):
    answer = login(client, "good-li", "beta")
    assert answer.status_code == 404
    assert answer.get_json()["error"]["field"] == "provider"
    # on for one category is not on for the shop: sign-in belongs to the shop as a whole
    enable_plugin("wechat_login", shop.alpha, shop.shoes, app_id=APP_ALPHA, app_secret=SECRET_ALPHA)
    assert login(client, "good-li", "alpha").status_code == 404
    assert wechat.calls == []


def test_on_for_the_shop_it_works_even_where_a_category_has_it_off(
    client, wechat_on, disable_plugin
):
    disable_plugin("wechat_login", wechat_on.alpha, wechat_on.shoes)
    assert login(client, "good-li").status_code == 201


def test_switched_off_later_it_refuses_but_the_account_stays(client, wechat_on, disable_plugin):
    token = login(client, "good-li").get_json()["token"]
    disable_plugin("wechat_login", wechat_on.alpha)
    assert login(client, "good-li").status_code == 404
    headers = {"Authorization": f"Bearer {token}"}
    assert client.delete("/api/v1/auth/token", headers=headers).status_code == 200


def test_unknown_provider_or_no_app_configured_is_a_404_on_provider(
    client, shop, enable_plugin, wechat
):
    enable_plugin("wechat_login", shop.alpha)
    assert login(client, "good-li").get_json()["error"]["field"] == "provider"  # no AppID yet
    enable_plugin("wechat_login", shop.alpha, app_id=APP_ALPHA, app_secret=SECRET_ALPHA)
    answer = login(client, "good-li", provider="alipay")
    assert answer.status_code == 404
    assert answer.get_json()["error"]["field"] == "provider"
    assert wechat.calls == []


@pytest.mark.parametrize("code", ["bad-1", "used-1"])
def test_a_code_wechat_refuses_is_a_401_on_code(client, wechat_on, code):
    before = users()
    answer = login(client, code)
    assert answer.status_code == 401
    assert answer.get_json()["error"] == {
        "code": "invalid_code",
        "message": "This login code is not valid. Please sign in again.",
        "field": "code",
    }
    assert users() == before


@pytest.mark.parametrize("code", ["busy-1", "limit-1", "broken-1", "noid-1", "down-1", "slow-li"])
def test_wechat_down_slow_or_confused_is_a_502(client, wechat_on, code):
    before = users()
    started = time.monotonic()
    answer = login(client, code)
    assert answer.status_code == 502
    error = answer.get_json()["error"]
    assert (error["code"], error["field"]) == ("provider_unavailable", "provider")
    assert time.monotonic() - started < 2.4  # the shop's 1 s timeout, not WeChat's 2.5 s
    assert users() == before


def test_a_wrong_app_secret_or_an_unreachable_server_is_a_502(app, client, wechat_on, wechat):
    wechat.apps[APP_ALPHA] = "c" * 32
    assert login(client, "good-li").status_code == 502
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    app.config["STOREFRONT_WECHAT_API_BASE"] = f"http://127.0.0.1:{closed}"
    answer = login(client, "good-li")
    assert answer.status_code == 502
    assert answer.get_json()["error"]["code"] == "provider_unavailable"


def test_neither_the_app_secret_nor_the_session_key_is_kept_or_logged(client, wechat_on, caplog):
    caplog.set_level(logging.DEBUG)
    assert login(client, "good-li").status_code == 201
    for code in ("bad-1", "busy-1", "broken-1", "down-1"):
        login(client, code)
    assert "WeChat code2Session" in caplog.text  # the failures were logged ...
    assert SECRET_ALPHA not in caplog.text and SESSION_KEY not in caplog.text  # ... safely
    for table in db.metadata.sorted_tables:
        if table.name in ("plugin_setting", "audit_log"):
            continue  # the merchant's own settings hold the secret, masked in the audit log
        for row in db.session.execute(select(table)):
            assert SESSION_KEY not in str(tuple(row)), table.name
            assert SECRET_ALPHA not in str(tuple(row)), table.name


def test_the_audit_log_masks_the_app_secret(wechat_on):
    logged = " ".join(str(row.after) for row in db.session.scalars(select(AuditLog)))
    assert APP_ALPHA in logged
    assert SECRET_ALPHA not in logged


def test_such_an_account_cannot_sign_in_by_password(client, wechat_on):
    user = db.session.get(User, login(client, "good-li").get_json()["user_id"])
    for password in ("", "!", user.password_hash, "correct-horse-battery"):
        answer = client.post(
            "/api/v1/auth/token", json={"email": user.email, "password": password or "x"}
        )
        assert answer.status_code == 401
    page = client.post("/login", data={"email": user.email, "password": "!"})
    assert page.status_code == 200  # the form again, not the redirect of a sign-in


def test_such_an_account_gets_no_mail_but_its_inbox_does(app, client, wechat_on, sent_emails):
    user = db.session.get(User, login(client, "good-li").get_json()["user_id"])
    notify(user, "Your parcel is on its way", "Track it in the app.", merchant=wechat_on.alpha)
    db.session.commit()
    assert sent_emails == []
    unread = db.session.execute(
        text("SELECT count(*) FROM notification WHERE user_id = :id"), {"id": user.id}
    ).scalar()
    assert unread == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"provider": "wechat"}, "code"),
        ({"code": "good-li"}, "provider"),
        ({"provider": "WeChat!", "code": "good-li"}, "provider"),
        ({"provider": "wechat", "code": ""}, "code"),
        ({"provider": "wechat", "code": "two words"}, "code"),
        ({"provider": "wechat", "code": "x" * 257}, "code"),
        ({"provider": "wechat", "code": 12345}, "code"),
        ({"provider": "wechat", "code": "good-li", "client": "c" * 101}, "client"),
    ],
)
def test_bad_input_names_the_field(client, wechat_on, wechat, body, field):
    answer = client.post("/api/v1/shops/alpha/auth/code", json=body)
    assert answer.status_code == 400
    assert answer.get_json()["error"]["field"] == field
    assert wechat.calls == []


def test_a_form_post_or_an_unknown_shop_is_refused(client, wechat_on):
    form = client.post("/api/v1/shops/alpha/auth/code", data={"provider": "wechat", "code": "x"})
    assert form.status_code == 415
    assert login(client, "good-li", "nope").status_code == 404


def test_errors_are_in_the_callers_language(client, wechat_on):
    chinese = {"Accept-Language": "zh-CN"}
    refused = client.post(
        "/api/v1/shops/alpha/auth/code",
        json={"provider": "wechat", "code": "bad-1"},
        headers=chinese,
    ).get_json()["error"]
    assert refused["message"] == "登录码无效，请重新登录。"
    down = client.post(
        "/api/v1/shops/alpha/auth/code",
        json={"provider": "wechat", "code": "busy-1"},
        headers=chinese,
    ).get_json()["error"]
    assert down["message"] == "登录服务暂时无法连接，请稍后再试。"
    absent = client.post(
        "/api/v1/shops/beta/auth/code", json={"provider": "wechat", "code": "x"}, headers=chinese
    ).get_json()["error"]
    assert absent["message"] == "本店不支持这种登录方式。"


def test_the_endpoint_is_in_the_document_with_every_answer(client, shop):
    spec = client.get("/api/v1/openapi.json").get_json()
    operation = spec["paths"]["/api/v1/shops/{merchant}/auth/code"]["post"]
    assert {"201", "400", "401", "404", "429", "502"} <= set(operation["responses"])


def test_logins_are_rate_limited(app, client, wechat_on):
    app.config["LOGIN_RATE_LIMIT"] = "2 per minute"
    assert login(client, "bad-1").status_code == 401
    assert login(client, "bad-2").status_code == 401
    assert login(client, "good-li").status_code == 429


def test_the_plugin_passes_the_scope_conformance_check(scope_conformance):
    assert scope_conformance("wechat_login") == []
