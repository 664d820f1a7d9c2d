"""The plugin matrix through an API key: the admin's verdicts as JSON, and audited writes."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from storefront import db
from storefront.models import AuditLog, Membership, PluginSetting
from storefront.plugin_settings import SET, set_config, set_platform
from storefront.testing import bearer, merchant_key

PLUGINS = "/api/v1/shops/alpha/admin/plugins"


@pytest.fixture
def key(shop):
    return merchant_key(shop.alpha, shop.alpha_owner, scopes=["plugins:read", "plugins:write"])


def cell(body: dict, category: str | None) -> dict:
    return next(c for c in body["scopes"] if c["category"] == category)


def row(client, key, name: str) -> dict:
    answer = client.get(PLUGINS, headers=key)
    assert answer.status_code == 200, answer.get_json()
    return next(p for p in answer.get_json()["items"] if p["name"] == name)


def audits(action: str) -> list[AuditLog]:
    return list(db.session.scalars(select(AuditLog).where(AuditLog.action == action)))


def test_the_matrix_lists_every_plugin_for_the_shop_and_each_category(client, shop, key):
    body = client.get(PLUGINS, headers=key).get_json()
    names = {p["name"] for p in body["items"]}
    assert {"faq", "returns", "reviews", "tracking", "callbacks"} <= names
    returns = next(p for p in body["items"] if p["name"] == "returns")
    assert [c["category"] for c in returns["scopes"]] == [None, "bedding", "shoes", "apparel"]
    shop_wide = cell(returns, None)
    assert shop_wide["enabled"] is True and shop_wide["own"] is None
    assert shop_wide["reason"] == "default" and shop_wide["why"] == "plugin default"
    assert cell(returns, "bedding")["settings"]["return_days"] == 30  # the bedding kind's
    assert cell(returns, "shoes")["settings"]["return_days"] == 15
    assert body["problems"] == []


def test_turning_faq_off_for_shoes_shows_there_and_in_the_shop(client, shop, key):
    answer = client.put(f"{PLUGINS}/faq", json={"category": "shoes", "enabled": False}, headers=key)
    assert answer.status_code == 200, answer.get_json()
    assert cell(answer.get_json(), "shoes")["enabled"] is False
    faq = row(client, key, "faq")
    shoes = cell(faq, "shoes")
    assert (shoes["enabled"], shoes["own"], shoes["reason"]) == (False, False, "category")
    assert cell(faq, "bedding")["enabled"] is True
    assert client.get("/shop/alpha/p/sneaker/answers").status_code == 404
    assert client.get("/shop/alpha/p/duvet/answers").status_code == 200
    [entry] = audits("plugin.enabled")
    assert (entry.user_id, entry.target) == (shop.alpha_owner.id, "faq@shoes")
    assert (entry.before, entry.after) == ({"enabled": None}, {"enabled": False})
    back = client.put(f"{PLUGINS}/faq", json={"category": "shoes", "enabled": None}, headers=key)
    assert cell(back.get_json(), "shoes")["reason"] == "default"
    assert client.get("/shop/alpha/p/sneaker/answers").status_code == 200


def test_switching_for_the_whole_shop(client, shop, key):
    body = {"category": None, "enabled": False}
    answer = client.put(f"{PLUGINS}/reviews", json=body, headers=key)
    body = answer.get_json()
    assert all(not c["enabled"] for c in body["scopes"])
    assert cell(body, None)["reason"] == "shop" and cell(body, "shoes")["reason"] == "shop"


def test_settings_are_validated_by_the_plugins_own_form(client, shop, key):
    answer = client.put(
        f"{PLUGINS}/returns/settings",
        json={"category": "shoes", "settings": {"return_days": "21", "hygiene_rule": True}},
        headers=key,
    )
    assert answer.status_code == 200, answer.get_json()
    shoes = cell(answer.get_json(), "shoes")
    assert shoes["settings"]["return_days"] == 21 and shoes["settings"]["hygiene_rule"] is True
    assert shoes["overridden"] == ["hygiene_rule", "return_days"]
    assert cell(answer.get_json(), "apparel")["settings"]["return_days"] == 15
    stored = db.session.scalar(
        select(PluginSetting).where(
            PluginSetting.plugin == "returns", PluginSetting.category_id == shop.shoes.id
        )
    )
    assert stored.config == {"return_days": 21, "hygiene_rule": True}
    [entry] = audits("plugin.config")
    assert entry.user_id == shop.alpha_owner.id and entry.target == "returns@shoes"
    reset = client.put(
        f"{PLUGINS}/returns/settings", json={"category": "shoes", "settings": {}}, headers=key
    )
    assert cell(reset.get_json(), "shoes")["overridden"] == []
    assert cell(reset.get_json(), "shoes")["settings"]["return_days"] == 15


@pytest.mark.parametrize(
    ("plugin", "body", "field"),
    [
        ("faq", {"settings": {"shown": 0}}, "settings.shown"),  # NumberRange of the form
        ("faq", {"settings": {"shown": "many"}}, "settings.shown"),
        ("faq", {"settings": {"shown": None}}, "settings.shown"),  # InputRequired
        ("faq", {"settings": {"shown": [5]}}, "settings.shown"),
        ("faq", {"settings": {"shown": True}}, "settings.shown"),
        ("faq", {"settings": {"on_product_page": "yes"}}, "settings.on_product_page"),
        ("faq", {"settings": {"colour": "red"}}, "settings.colour"),
        ("faq", {"settings": {"on_product_page": {"a": 1}}}, "settings.on_product_page"),
        ("faq", {}, "settings"),
        ("faq", {"settings": [], "category": None}, "settings"),
        ("faq", {"settings": {}, "category": 3}, "category"),
        ("faq", {"settings": {}, "scope": "shoes"}, "scope"),
        ("tracking", {"settings": {"webhook_secret": "short"}}, "settings.webhook_secret"),
        (
            "tracking",
            {"category": "shoes", "settings": {"webhook_secret": "x" * 20}},
            "settings.webhook_secret",
        ),  # shop-wide only
    ],
)
def test_each_bad_setting_names_its_field_and_writes_nothing(client, key, plugin, body, field):
    answer = client.put(f"{PLUGINS}/{plugin}/settings", json=body, headers=key)
    assert answer.status_code == 400, answer.get_json()
    assert answer.get_json()["error"]["field"] == field
    assert db.session.scalar(select(PluginSetting)) is None
    assert audits("plugin.config") == []


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"category": "shoes"}, "enabled"),
        ({"enabled": "off"}, "enabled"),
        ({"enabled": True, "category": "x" * 65}, "category"),
        ({"enabled": True, "extra": 1}, "extra"),
    ],
)
def test_bad_switches_name_the_field(client, shop, key, body, field):
    answer = client.put(f"{PLUGINS}/faq", json=body, headers=key)
    assert answer.status_code == 400
    assert answer.get_json()["error"]["field"] == field
    assert audits("plugin.enabled") == []


def test_an_unknown_category_is_a_404_naming_it(client, shop, key):
    for url, body in (
        (f"{PLUGINS}/faq", {"category": "hats", "enabled": True}),
        (f"{PLUGINS}/faq/settings", {"category": "hats", "settings": {}}),
        (f"{PLUGINS}/faq", {"category": "bedding-beta", "enabled": True}),
    ):
        answer = client.put(url, json=body, headers=key)
        assert answer.status_code == 404
        assert answer.get_json()["error"]["field"] == "category"
    assert db.session.scalar(select(PluginSetting)) is None


def test_betas_category_is_not_alphas(client, shop, key):
    answer = client.put(
        f"{PLUGINS}/faq", json={"category": shop.beta_bedding.slug, "enabled": False}, headers=key
    )
    assert answer.status_code == 200  # alpha has a bedding category of its own
    rows = list(db.session.scalars(select(PluginSetting)))
    assert [(r.merchant_id, r.category_id) for r in rows] == [(shop.alpha.id, shop.bedding.id)]


def test_unknown_and_hidden_plugins_are_not_found(client, shop, key):
    for name in ("nope", "core"):
        assert client.get(f"{PLUGINS}/{name}", headers=key).status_code == 404
        answer = client.put(f"{PLUGINS}/{name}", json={"enabled": True}, headers=key)
        assert answer.status_code == 404
    set_platform("callbacks", available=False, enabled=None, actor=None)
    db.session.commit()
    assert "callbacks" not in {
        p["name"] for p in client.get(PLUGINS, headers=key).get_json()["items"]
    }
    assert client.get(f"{PLUGINS}/callbacks", headers=key).status_code == 404
    answer = client.put(f"{PLUGINS}/callbacks", json={"enabled": True}, headers=key)
    assert answer.status_code == 404
    answer = client.put(f"{PLUGINS}/callbacks/settings", json={"settings": {}}, headers=key)
    assert answer.status_code == 404
    assert audits("plugin.enabled") == [] and audits("plugin.config") == []


def test_secrets_are_masked_and_kept_when_sent_back(client, shop, key):
    set_config(shop.alpha, "tracking", {"webhook_secret": "s" * 24})
    db.session.commit()
    tracking = row(client, key, "tracking")
    assert cell(tracking, None)["settings"]["webhook_secret"] == SET
    assert "s" * 24 not in str(client.get(PLUGINS, headers=key).get_json())
    settings = dict(cell(tracking, None)["settings"], stalled_hours=12)
    answer = client.put(f"{PLUGINS}/tracking/settings", json={"settings": settings}, headers=key)
    assert answer.status_code == 200, answer.get_json()
    stored = db.session.scalar(select(PluginSetting).where(PluginSetting.plugin == "tracking"))
    db.session.refresh(stored)
    assert stored.config["webhook_secret"] == "s" * 24 and stored.config["stalled_hours"] == 12
    [_first, entry] = audits("plugin.config")
    assert "s" * 24 not in str(entry.before) + str(entry.after)


def test_a_plugin_without_settings_refuses_them(client, shop, key, app):
    from storefront.plugin_info import PluginInfo

    records = app.extensions["storefront"].plugins.records
    name = next(n for n, r in records.items() if not r.info.internal)
    bare = PluginInfo(name=name, title="Bare")
    real = records[name].info
    records[name].info = bare
    try:
        answer = client.put(f"{PLUGINS}/{name}/settings", json={"settings": {}}, headers=key)
    finally:
        records[name].info = real
    assert answer.status_code == 400 and answer.get_json()["error"]["field"] == "settings"


def test_scopes_are_enforced(client, shop):
    read_only = merchant_key(shop.alpha, shop.alpha_owner, scopes=["plugins:read"])
    assert client.get(PLUGINS, headers=read_only).status_code == 200
    answer = client.put(f"{PLUGINS}/faq", json={"enabled": False}, headers=read_only)
    assert answer.status_code == 403 and answer.get_json()["error"]["code"] == "scope_missing"
    orders_only = merchant_key(shop.alpha, shop.alpha_owner, scopes=["orders:read"])
    answer = client.get(PLUGINS, headers=orders_only)
    assert answer.status_code == 403 and answer.get_json()["error"]["code"] == "scope_missing"
    assert audits("plugin.enabled") == []


def test_alphas_key_finds_nothing_at_beta(client, shop, key):
    beta = "/api/v1/shops/beta/admin/plugins"
    assert client.get(beta, headers=key).status_code == 404
    assert client.put(f"{beta}/faq", json={"enabled": False}, headers=key).status_code == 404
    assert db.session.scalar(select(PluginSetting)) is None
    betas_own = merchant_key(shop.beta, shop.beta_owner, scopes=["plugins:write"])
    answer = client.put(f"{beta}/faq", json={"enabled": False}, headers=betas_own)
    assert answer.status_code == 200
    assert cell(row(client, key, "faq"), None)["enabled"] is True  # alpha's own is untouched


@pytest.mark.parametrize("who", ["alice", "bob"])
def test_a_shopper_token_is_refused(client, shop, who):
    token = bearer(getattr(shop, who))
    assert client.get(PLUGINS, headers=token).status_code == 401
    answer = client.put(f"{PLUGINS}/faq", json={"enabled": False}, headers=token)
    assert answer.status_code == 401
    assert db.session.scalar(select(PluginSetting)) is None


def test_only_an_owners_key_may_use_the_matrix(client, shop, key):
    membership = db.session.scalar(
        select(Membership).filter_by(user_id=shop.alpha_owner.id, merchant_id=shop.alpha.id)
    )
    membership.role = "agent"  # demoted: the key acts as an agent now
    db.session.commit()
    answer = client.put(f"{PLUGINS}/faq", json={"enabled": False}, headers=key)
    assert answer.status_code == 403 and answer.get_json()["error"]["code"] == "owner_required"
    assert client.get(PLUGINS, headers=key).status_code == 403
    assert db.session.scalar(select(PluginSetting)) is None


@pytest.mark.parametrize("name", ["faq", "returns", "reviews", "tracking", "callbacks"])
@pytest.mark.parametrize("category", [None, "shoes"])
def test_what_get_shows_can_be_put_back_unchanged(client, shop, key, name, category):
    """Every built-in plugin's settings, as read, pass its own form when sent back."""
    before = cell(row(client, key, name), category)
    plugin = row(client, key, name)
    settings = {
        k: v
        for k, v in before["settings"].items()
        if not (category and k in plugin["shop_wide_settings"])
    }
    answer = client.put(
        f"{PLUGINS}/{name}/settings",
        json={"category": category, "settings": settings},
        headers=key,
    )
    assert answer.status_code == 200, answer.get_json()
    after = cell(answer.get_json(), category)
    assert after["settings"] == before["settings"]
    assert after["overridden"] == sorted(settings)
