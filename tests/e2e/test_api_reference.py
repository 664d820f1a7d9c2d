"""A developer opens the API reference in a browser and tries a call from it."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def test_reference_lists_the_api_and_runs_a_call(shop, browser_page):
    page = browser_page
    failed = []
    page.on("requestfailed", lambda request: failed.append(request.url))
    page.goto("/api/v1/reference")
    expect(page.get_by_role("heading", name="Storefront API")).to_be_visible()
    operation = page.locator(".opblock").filter(has_text="/api/v1/shops/{merchant}/categories")
    operation.first.click()
    page.get_by_role("button", name="Try it out").click()
    page.get_by_placeholder("merchant").fill("alpha")
    page.get_by_role("button", name="Execute").click()
    expect(page.locator(".response .response-col_status").first).to_have_text("200")
    expect(page.locator(".responses-wrapper")).to_contain_text("Shoes")
    assert not [url for url in failed if not url.startswith("http://127.0.0.1")]
