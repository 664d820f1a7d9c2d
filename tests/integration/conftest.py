"""Fixtures shared by the integration tests."""

from __future__ import annotations

import pytest

from tests.live_server import storefront_serve


@pytest.fixture
def live_storefront(app, storefront_database_url, tmp_path):
    """`storefront serve --workers 3` on this test's database; yields its base URL.

    Depends on `app` so the schema and the test's data are there; started per test so
    no process keeps caches from another test's rows.
    """
    with storefront_serve(storefront_database_url, tmp_path / "live") as base:
        yield base
