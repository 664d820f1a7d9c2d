"""Schemathesis, a client we did not write, against the served OpenAPI document.

Every operation gets a bounded number of generated requests, as a shopper, as a merchant's
API key and anonymously; any 5xx, any status the document does not list and any answer
that breaks its schema fails the test. Path parameters are often set to rows that exist,
so the generated bodies reach the views and not only the 404 for an unknown shop.
"""

from __future__ import annotations

import random

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from storefront.extensions import db
from storefront.testing import bearer, merchant_key

CHECKS = [
    schemathesis.checks.not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture
def world(app, shop, make):
    app.config["RATELIMIT_ENABLED"] = False
    order = make.order(
        shop.alpha, shop.alice, products=[shop.duvet, shop.sneaker], status="completed"
    )
    db.session.commit()
    return {
        "merchant": ["alpha", "beta"],
        "product_slug": ["duvet", "sneaker", "tee"],
        "number": [order.number],
        "category": ["bedding", "shoes"],
        "name": ["faq", "reviews", "returns", "tracking", "callbacks"],
        "key": {"alice": shop.alice, "owner": shop.alpha_owner, "merchant": shop.alpha},
    }


@pytest.fixture
def api_schema(app, world):
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)


schema = schemathesis.pytest.from_fixture("api_schema")


def _realistic(case, world, chance: random.Random) -> None:
    for name in list(case.path_parameters or {}):
        if name in world and chance.random() < 0.8:
            case.path_parameters[name] = chance.choice(world[name])


def _credentials(case, world) -> dict[str, str]:
    security = case.operation.definition.raw.get("security") or []
    names = {name for requirement in security for name in requirement}
    keys = world["key"]
    if "merchant" in names:
        return merchant_key(keys["merchant"], keys["owner"])
    if "shopper" in names:
        return bearer(keys["alice"])
    return {}


@schema.parametrize()
@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_every_operation_answers_what_the_document_says(case, world):
    _realistic(case, world, random.Random(repr(case.path_parameters)))
    case.call_and_validate(headers=_credentials(case, world), checks=CHECKS)
