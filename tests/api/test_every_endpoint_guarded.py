"""Every operation in the served document is guarded as its security says, tenant by tenant.

Walks the OpenAPI document rather than a list kept by hand, so an endpoint added later
(by the core or a plugin) is checked too: shopper operations refuse anonymous callers and
merchant keys; merchant operations refuse anonymous callers and shopper tokens, refuse a
key of another shop with 404 (the shop's data does not exist for it) and a key without
the scope with 403.
"""

from __future__ import annotations

import re

import pytest

from storefront.testing import bearer, merchant_key

WRITE_METHODS = ("post", "put", "patch", "delete")


def operations(client, wanted: str):
    spec = client.get("/api/v1/openapi.json").get_json()
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            names = {n for requirement in operation.get("security", []) for n in requirement}
            if wanted in names:
                yield method, path


def concrete(path: str, shop: str = "alpha") -> str:
    path = path.replace("{merchant}", shop)
    return re.sub(r"\{([a-z_]+)\}", r"x-\1", re.sub(r"\{[a-z_]*id\}", "1", path))


def call(client, method: str, path: str, headers=None):
    body = {} if method in WRITE_METHODS else None
    return client.open(path, method=method.upper(), json=body, headers=headers or {})


@pytest.fixture
def guarded(app, shop):
    app.config["RATELIMIT_ENABLED"] = False
    return shop


def test_shopper_operations_need_a_shopper_token(client, guarded):
    found = list(operations(client, "shopper"))
    assert found, "no shopper operation in the document"
    key = merchant_key(guarded.alpha, guarded.alpha_owner)
    for method, path in found:
        url = concrete(path)
        assert call(client, method, url).status_code == 401, f"{method} {path} anonymous"
        assert call(client, method, url, key).status_code == 401, f"{method} {path} with a key"


def test_merchant_operations_need_this_shops_key_with_the_scope(client, guarded):
    found = list(operations(client, "merchant"))
    assert found, "no merchant operation in the document"
    alpha_key = merchant_key(guarded.alpha, guarded.alpha_owner)
    no_scopes = merchant_key(guarded.alpha, guarded.alpha_owner, scopes=["orders:read"])
    shopper = bearer(guarded.alice)
    for method, path in found:
        url = concrete(path)
        assert call(client, method, url).status_code == 401, f"{method} {path} anonymous"
        assert call(client, method, url, shopper).status_code == 401, f"{method} {path} shopper"
        other_shop = call(client, method, concrete(path, "beta"), alpha_key)
        assert other_shop.status_code == 404, f"{method} {path} with another shop's key"
        if method in WRITE_METHODS or "plugins" in path:
            refused = call(client, method, url, no_scopes)
            assert refused.status_code == 403, f"{method} {path} without its scope"
            assert refused.get_json()["error"]["code"] == "scope_missing"
