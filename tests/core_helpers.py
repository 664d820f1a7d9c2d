"""Small helpers shared by the core's tests."""

from __future__ import annotations

import re
from typing import Any

TEST_PLUGINS = "tests.plugins_for_tests"


def with_test_plugins(*names: str, **config: Any) -> dict[str, Any]:
    """`storefront_config` that installs the given test plugins (and no built-in plugin)."""
    return {"STOREFRONT_EXTRA_PLUGINS": [f"{TEST_PLUGINS}.{n}" for n in names], **config}


def csrf_token(html: str) -> str:
    """The CSRF token of the first form on a page."""
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html) or re.search(
        r'value="([^"]+)"[^>]*name="csrf_token"', html
    )
    assert match, "no CSRF token on the page"
    return match.group(1)


def field_errors(html: str) -> dict[str, list[str]]:
    """{field name: [error messages]} as the form macro shows them."""
    errors: dict[str, list[str]] = {}
    for block in re.findall(r'<div class="field [^"]*has-error">(.*?)</div>', html, flags=re.S):
        name = re.search(r'name="([^"]+)"', block)
        messages = re.findall(r'<p class="error" role="alert">(.*?)</p>', block, flags=re.S)
        errors[name.group(1) if name else "?"] = [m.strip() for m in messages]
    return errors


SHIPPING = {
    "recipient": "Alice",
    "phone": "13800138000",
    "line1": "1 Road",
    "city": "Shanghai",
    "payment": "test",
}


def buy_sneaker(client, shop, variant: int = 0):
    """Put one of alpha's sneakers in the cart and check out; the checkout's response."""
    client.post("/shop/alpha/p/sneaker/add", data={"variant": shop.sneaker.variants[variant].id})
    return client.post("/shop/alpha/checkout", data=SHIPPING)
