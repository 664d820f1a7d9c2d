"""Which plugins act in a scope: the resolution matrix, replacements and merged settings."""

from __future__ import annotations

import pytest

from storefront import Scope, db
from storefront.plugin_settings import set_config, set_enabled, set_platform
from tests.core_helpers import with_test_plugins

SECTIONS, OPTIN, ONE, TWO = "core_sections", "core_optin", "core_replacer_one", "core_replacer_two"


@pytest.fixture
def storefront_plugins():
    return []


@pytest.fixture
def storefront_config():
    return with_test_plugins(
        "core_sections", "core_optin", "core_replacer_one", "core_replacer_two"
    )


def shop_row(plugin, enabled):
    return ("row", "*", plugin, enabled)


def cat_row(category, plugin, enabled):
    return ("row", category, plugin, enabled)


def platform(plugin, available=True, enabled=None):
    return ("platform", plugin, available, enabled)


# (rows to write, [(scope, plugin, expected enabled, expected reason), ...])
MATRIX = {
    "plugin default on": (
        [],
        [("*", SECTIONS, True, "default"), ("shoes", SECTIONS, True, "default")],
    ),
    "plugin default off": (
        [],
        [("*", OPTIN, False, "default"), ("shoes", OPTIN, False, "default")],
    ),
    "platform default switches on": (
        [platform(OPTIN, enabled=True)],
        [("*", OPTIN, True, "platform"), ("bedding", OPTIN, True, "platform")],
    ),
    "platform default switches off": (
        [platform(SECTIONS, enabled=False)],
        [("*", SECTIONS, False, "platform"), ("shoes", SECTIONS, False, "platform")],
    ),
    "platform hidden beats every merchant row": (
        [
            platform(SECTIONS, available=False),
            shop_row(SECTIONS, True),
            cat_row("shoes", SECTIONS, True),
        ],
        [("*", SECTIONS, False, "hidden"), ("shoes", SECTIONS, False, "hidden")],
    ),
    "merchant row beats plugin default": (
        [shop_row(OPTIN, True)],
        [("*", OPTIN, True, "shop"), ("shoes", OPTIN, True, "shop")],
    ),
    "merchant row beats platform default": (
        [platform(SECTIONS, enabled=False), shop_row(SECTIONS, True)],
        [("*", SECTIONS, True, "shop"), ("apparel", SECTIONS, True, "shop")],
    ),
    "category row on beats merchant row off": (
        [shop_row(SECTIONS, False), cat_row("shoes", SECTIONS, True)],
        [
            ("*", SECTIONS, False, "shop"),
            ("shoes", SECTIONS, True, "category"),
            ("bedding", SECTIONS, False, "shop"),
        ],
    ),
    "category row off beats merchant row on": (
        [shop_row(OPTIN, True), cat_row("bedding", OPTIN, False)],
        [
            ("*", OPTIN, True, "shop"),
            ("bedding", OPTIN, False, "category"),
            ("shoes", OPTIN, True, "shop"),
        ],
    ),
    "inherit in both rows falls through to the default": (
        [shop_row(OPTIN, None), cat_row("shoes", OPTIN, None)],
        [("*", OPTIN, False, "default"), ("shoes", OPTIN, False, "default")],
    ),
    "category inherit falls through to the merchant row": (
        [shop_row(OPTIN, True), cat_row("shoes", OPTIN, None)],
        [("shoes", OPTIN, True, "shop")],
    ),
    "inherit falls through to the platform default": (
        [platform(OPTIN, enabled=True), shop_row(OPTIN, None), cat_row("shoes", OPTIN, None)],
        [("shoes", OPTIN, True, "platform")],
    ),
    "replacer on for shoes only replaces there only": (
        [cat_row("shoes", ONE, True)],
        [
            ("shoes", ONE, True, "category"),
            ("shoes", SECTIONS, False, "replaced"),
            ("bedding", SECTIONS, True, "default"),
            ("*", SECTIONS, True, "default"),
            ("*", ONE, False, "default"),
        ],
    ),
    "replacer shop-wide wins over the replaced plugin's own row": (
        [shop_row(ONE, True), cat_row("shoes", SECTIONS, True)],
        [("*", SECTIONS, False, "replaced"), ("shoes", SECTIONS, False, "replaced")],
    ),
    "replacer switched off in one category gives the replaced plugin back there": (
        [shop_row(ONE, True), cat_row("bedding", ONE, False)],
        [("bedding", SECTIONS, True, "default"), ("shoes", SECTIONS, False, "replaced")],
    ),
    "hidden replacer replaces nothing": (
        [platform(ONE, available=False), shop_row(ONE, True)],
        [("*", ONE, False, "hidden"), ("*", SECTIONS, True, "default")],
    ),
}


def apply(shop, rows) -> None:
    categories = {"shoes": shop.shoes, "bedding": shop.bedding, "apparel": shop.apparel}
    for row in rows:
        if row[0] == "platform":
            _, plugin, available, enabled = row
            set_platform(plugin, available, enabled, actor=None)
        else:
            _, where, plugin, enabled = row
            set_enabled(shop.alpha, plugin, enabled, categories.get(where))
    db.session.commit()


def scope_for(shop, where: str) -> Scope:
    category = {"*": None, "shoes": shop.shoes, "bedding": shop.bedding, "apparel": shop.apparel}
    db.session.refresh(shop.alpha)
    return Scope(shop.alpha, category[where])


@pytest.mark.parametrize("case", list(MATRIX), ids=list(MATRIX))
def test_resolution_matrix(app, shop, case):
    rows, expectations = MATRIX[case]
    apply(shop, rows)
    for where, plugin, enabled, reason in expectations:
        scope = scope_for(shop, where)
        state = scope.state.states[plugin]
        assert (state.enabled, state.reason) == (enabled, reason), f"{plugin} in {where}"
        assert scope.enabled(plugin) is enabled
        assert (plugin in scope.disabled) is (not enabled)
        assert not scope.state.problems


@pytest.mark.parametrize("case", list(MATRIX), ids=list(MATRIX))
def test_scoped_hook_calls_follow_the_matrix(app, shop, case):
    rows, expectations = MATRIX[case]
    apply(shop, rows)
    for where, plugin, enabled, _ in expectations:
        scope = scope_for(shop, where)
        html = "".join(
            str(s) for s in scope.hook.product_sections(product=shop.sneaker, scope=scope)
        )
        marker = {
            SECTIONS: "core-sections",
            OPTIN: "core-optin",
            ONE: "core-replacer-one",
            TWO: "core-replacer-two",
        }[plugin]
        assert (marker in html) is enabled, f"{plugin} in {where}: {html}"


def test_replaced_by_names_the_replacer(app, shop):
    apply(shop, [cat_row("shoes", ONE, True)])
    assert scope_for(shop, "shoes").state.states[SECTIONS].replaced_by == ONE
    assert scope_for(shop, "bedding").state.states[SECTIONS].replaced_by is None


def test_own_row_is_reported_for_the_admin(app, shop):
    apply(shop, [shop_row(SECTIONS, False), cat_row("shoes", SECTIONS, True)])
    assert scope_for(shop, "shoes").state.states[SECTIONS].own is True
    assert scope_for(shop, "bedding").state.states[SECTIONS].own is None
    assert scope_for(shop, "*").state.states[SECTIONS].own is False


def test_two_enabled_replacers_are_a_reported_conflict(app, shop):
    apply(shop, [shop_row(ONE, True), cat_row("shoes", TWO, True)])

    shoes = scope_for(shop, "shoes")
    assert len(shoes.state.problems) == 1
    assert ONE in shoes.state.problems[0] and TWO in shoes.state.problems[0]
    assert SECTIONS in shoes.state.problems[0]
    active = [p for p in (ONE, TWO) if shoes.enabled(p)]
    assert len(active) == 1
    loser = ({ONE, TWO} - set(active)).pop()
    assert shoes.state.states[loser].reason == "conflict"
    assert not shoes.enabled(SECTIONS)
    html = "".join(map(str, shoes.hook.product_sections(product=shop.sneaker, scope=shoes)))
    assert html.count("core-replacer-") == 1

    bedding = scope_for(shop, "bedding")
    assert bedding.state.problems == []
    assert bedding.enabled(ONE) and not bedding.enabled(TWO)


def test_the_conflict_shows_on_the_product_page_as_one_replacement(app, shop, client):
    apply(shop, [shop_row(ONE, True), shop_row(TWO, True)])
    page = client.get("/shop/alpha/p/sneaker").text
    assert page.count("core-replacer-") == 1
    assert "core-sections" not in page


# -- configuration ------------------------------------------------------------------


def configure(shop, merchant_config=None, shoes_config=None):
    if merchant_config is not None:
        set_config(shop.alpha, SECTIONS, merchant_config)
    if shoes_config is not None:
        set_config(shop.alpha, SECTIONS, shoes_config, shop.shoes)
    db.session.commit()


def test_settings_default_when_nothing_is_stored(app, shop):
    assert scope_for(shop, "shoes").settings(SECTIONS) == {"shown": 5, "greeting": "hello"}


def test_settings_merge_key_by_key(app, shop):
    configure(shop, {"shown": 7}, {"greeting": "hi shoes"})

    assert scope_for(shop, "*").settings(SECTIONS) == {"shown": 7, "greeting": "hello"}
    assert scope_for(shop, "bedding").settings(SECTIONS) == {"shown": 7, "greeting": "hello"}
    assert scope_for(shop, "shoes").settings(SECTIONS) == {"shown": 7, "greeting": "hi shoes"}


def test_category_config_beats_merchant_config(app, shop):
    configure(shop, {"shown": 7, "greeting": "shop"}, {"shown": 9})
    assert scope_for(shop, "shoes").settings(SECTIONS) == {"shown": 9, "greeting": "shop"}


@pytest.mark.parametrize("bad", [500, 0, "lots", None], ids=["too-big", "zero", "text", "none"])
def test_invalid_stored_value_falls_back_to_the_default_and_is_reported(app, shop, bad):
    configure(shop, {"shown": bad, "greeting": "kept"})

    scope = scope_for(shop, "*")
    assert scope.settings(SECTIONS) == {"shown": 5, "greeting": "kept"}
    assert list(scope.state.config_errors[SECTIONS]) == ["shown"]
    assert scope.state.config_errors[SECTIONS]["shown"]


def test_invalid_category_value_falls_back_to_what_the_category_inherits(app, shop):
    """A broken override behaves as no override: the shop's own value, not the plugin's."""
    configure(shop, {"shown": 7}, {"shown": 99})
    shoes = scope_for(shop, "shoes")
    assert shoes.settings(SECTIONS)["shown"] == 7
    assert "shown" in shoes.state.config_errors[SECTIONS]
    assert scope_for(shop, "bedding").state.config_errors == {}


def test_merged_settings_reach_the_page(app, shop, client):
    configure(shop, {"shown": 7}, {"greeting": "Shoe tips"})
    assert "Shoe tips Leather Sneaker shown=7" in client.get("/shop/alpha/p/sneaker").text
    assert "hello Linen Duvet Cover shown=7" in client.get("/shop/alpha/p/duvet").text


def test_broken_stored_config_never_breaks_the_page(app, shop, client):
    configure(shop, {"shown": "lots", "greeting": "x" * 300})
    response = client.get("/shop/alpha/p/sneaker")
    assert response.status_code == 200
    assert "hello Leather Sneaker shown=5" in response.text


def test_settings_are_per_merchant(app, shop):
    configure(shop, {"shown": 11})
    db.session.refresh(shop.beta)
    assert Scope(shop.beta).settings(SECTIONS)["shown"] == 5
    set_enabled(shop.alpha, SECTIONS, False)
    db.session.commit()
    db.session.refresh(shop.beta)
    assert Scope(shop.beta).enabled(SECTIONS)


def test_unknown_or_internal_plugin_names_are_refused(app, shop):
    with pytest.raises(KeyError):
        set_enabled(shop.alpha, "no_such_plugin", True)
    with pytest.raises(KeyError):
        set_enabled(shop.alpha, "payments", False)


def test_every_change_is_audited(app, shop):
    from sqlalchemy import select

    from storefront.models import AuditLog

    set_enabled(shop.alpha, SECTIONS, False, shop.shoes, actor=shop.alpha_owner)
    set_config(shop.alpha, SECTIONS, {"shown": 3}, actor=shop.alpha_owner)
    db.session.commit()
    entries = db.session.scalars(select(AuditLog).order_by(AuditLog.id)).all()
    assert [(e.action, e.target, e.actor_label) for e in entries] == [
        ("plugin.enabled", f"{SECTIONS}@shoes", "owner@alpha.example"),
        ("plugin.config", f"{SECTIONS}@*", "owner@alpha.example"),
    ]
    assert entries[0].before == {"enabled": None} and entries[0].after == {"enabled": False}
    assert entries[1].after == {"shown": 3}
