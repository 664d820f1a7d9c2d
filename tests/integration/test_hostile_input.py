"""Every route of the core and of every installed plugin, fed hostile input, answers below 500.

The sweep walks `app.url_map`, so a route a plugin adds later is covered without an edit.
Each path argument gets a real id or slug (to reach the forms behind it) and hostile ones;
each route gets hostile query strings; each POST route gets hostile values in every field
its page shows (or in common field names): huge and negative numbers, unicode digits, NUL,
a 1 MB value, repeated fields, and malformed or deeply nested JSON. It runs as a visitor, a
shopper, an agent, the owner and a platform admin.
"""

from __future__ import annotations

import re

import pytest

from storefront import db

HOSTILE_IDS = ["2147483648", "99999999999999999999", "0"]
HOSTILE_TEXT = ["²", "x" * 200_000, "-1", "9" * 30, "<script>", "a/b", "..", "%"]
HOSTILE_QUERY = {
    "page": "99999999999999999999",
    "q": "%_\\" * 300,
    "stars": "²",
    "sort": "'; drop table review; --",
    "show": "x" * 500,
    "category": "../../etc",
    "days": "-99999999999",
    "preview_theme": "a/b",
    "next": "/%09/evil.example",
}
COMMON_FIELDS = ["quantity", "variant", "stars", "title", "body", "email", "name", "status"]
SKIP_ENDPOINTS = {"static", "theme_static"}


@pytest.fixture
def world(shop, make):
    """Rows for every kind of id a route takes, so real ids reach the code behind them."""
    order = make.order(shop.alpha, shop.alice, shop.sneaker, status="completed")
    db.session.commit()
    return {
        "merchant": "alpha",
        "product_slug": "sneaker",
        "category_slug": "shoes",
        "number": order.number,
        "order_item_id": order.items[0].id,
        "product_id": shop.sneaker.id,
        "category_id": shop.shoes.id,
    }


def urls_for(rule, world) -> list[str]:
    """The rule's path with real values and with hostile ones in each argument."""
    names = sorted(rule.arguments)
    real = {n: str(world.get(n, 1)) for n in names}
    candidates = [real]
    for name in names:
        converter = rule._converters.get(name)
        values = HOSTILE_IDS if type(converter).__name__ == "IdConverter" else HOSTILE_TEXT[:3]
        candidates += [{**real, name: value} for value in values]
    urls = []
    for values in candidates:
        path = rule.rule
        for name, value in values.items():
            path = re.sub(rf"<(?:[a-z]+:)?{name}>", value, path)
        urls.append(path)
    return urls


def field_names(html: str) -> list[str]:
    names = set(re.findall(r'name="([A-Za-z0-9_\-]+)"', html)) - {"csrf_token"}
    return sorted(names) or COMMON_FIELDS


def hostile_forms(names: list[str]) -> list[dict]:
    return [
        {name: "99999999999999999999" for name in names},
        {name: "²" for name in names},
        {name: "x" * 1_000_000 for name in names[:2]},
        {name: "-99999999999999999999" for name in names},
        {name: "a\x00b" for name in names},
        {name: ["1", "2", "-5"] for name in names},
    ]


def sweep(app, client, world) -> list[str]:
    failures = []

    def attempt(method: str, url: str, **kwargs) -> None:
        try:
            status = client.open(url, method=method, **kwargs).status_code
        except Exception as exc:  # strict plugins re-raise: a traceback is a failure too
            failures.append(f"{method} {url[:120]}: {type(exc).__name__}: {exc}"[:300])
            db.session.rollback()
            return
        if status >= 500:
            failures.append(f"{method} {url[:120]}: {status}")

    for rule in app.url_map.iter_rules():
        if rule.endpoint in SKIP_ENDPOINTS or "." in rule.rule.rsplit("/", 1)[-1]:
            continue
        for url in urls_for(rule, world):
            if "GET" in rule.methods:
                attempt("GET", url)
                attempt("GET", url, query_string=HOSTILE_QUERY)
            if "POST" in rule.methods:
                page = client.get(url) if "GET" in rule.methods else None
                names = field_names(page.text if page is not None else "")
                for form in hostile_forms(names):
                    attempt("POST", url, data=form)
                attempt("POST", url, data="{not json", content_type="application/json")
                attempt("POST", url, data="[" * 5000, content_type="application/json")
    return failures


@pytest.mark.parametrize("who", ["visitor", "shopper", "agent", "owner", "platform"])
def test_no_route_answers_a_server_error(who, app, shop, make, world, client, client_for):
    app.config["RATELIMIT_ENABLED"] = False
    user = {
        "shopper": shop.alice,
        "agent": shop.alpha_agent,
        "owner": shop.alpha_owner,
        "platform": make.user(email="root@example.com", platform_admin=True),
    }
    browser = client if who == "visitor" else client_for(user[who])
    failures = sweep(app, browser, world)
    assert failures == [], "\n".join(failures[:40])
