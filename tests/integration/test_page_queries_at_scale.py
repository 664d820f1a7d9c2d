"""Every main page of shop and admin sends as many SQL statements for a big shop as a small one.

The shops and pages are the scale benchmark's (bench/scale.py), with all five plugins on;
the big shop here is smaller than the benchmark's so the suite stays quick, but every
list it shows is already longer than a page.
"""

from __future__ import annotations

import pytest

from bench.scale import PAGES, SMALL, Size, StatementCounter, clients, seed_shop
from storefront import db

BIG = Size(orders=400, returns=120, reviews=1_200, callbacks=400, open_callbacks=120, faq=120)


@pytest.fixture
def storefront_config():
    return {"RATELIMIT_ENABLED": False}


def statements(app, shop, engine) -> dict[str, int]:
    counter = StatementCounter(engine)
    by_role = clients(app, shop)
    counts = {}
    for page in PAGES:
        client = by_role[page.role]
        path = page.path.format(shop=shop.slug, order=shop.order_number)
        assert client.get(path).status_code == 200, path  # and warms the settings cache
        with counter:
            response = client.get(path)
        assert response.status_code == 200, path
        counts[page.name] = counter.count
    return counts


def test_no_page_sends_more_statements_as_the_shop_grows(app):
    small, big = seed_shop("small", SMALL), seed_shop("big", BIG)
    db.session.remove()

    few = statements(app, small, db.engine)
    assert min(few.values()) > 0
    assert statements(app, big, db.engine) == few
