"""A whole shop leaves as JSON and comes back identical, with every plugin's data."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from storefront import Merchant, Order, db
from storefront.plugins.faq.models import FaqEntry
from storefront.plugins.reviews.models import Review
from storefront.transfer import TransferError, export_merchant, import_merchant


@pytest.fixture
def storefront_plugins():
    return ["faq", "reviews", "tracking", "returns", "callbacks"]


def comparable(data: dict) -> dict:
    """The export without what legitimately differs between the copies: the slug."""
    data = json.loads(json.dumps(data))
    data["merchant"].pop("slug")
    return data


def test_round_trip_through_the_cli(app, shop, make, client_for, enable_plugin, tmp_path):
    order = make.order(shop.alpha, shop.alice, shop.sneaker, status="completed")
    db.session.add(FaqEntry(merchant_id=shop.alpha.id, question="Q?", answer="A.", topic="care"))
    enable_plugin("faq", shop.alpha, category=shop.shoes, shown=3)
    db.session.commit()
    client_for(shop.alice).post(
        f"/shop/alpha/reviews/write/{order.items[0].id}", data={"stars": "5", "title": "Great"}
    )
    runner = app.test_cli_runner()
    path = tmp_path / "alpha.json"
    result = runner.invoke(args=["export", "--merchant", "alpha", "--output", str(path)])
    assert result.exit_code == 0, result.output
    result = runner.invoke(args=["import", str(path), "--slug", "alpha-copy"])
    assert result.exit_code == 0, result.output
    copy = db.session.scalar(select(Merchant).where(Merchant.slug == "alpha-copy"))
    assert comparable(export_merchant(copy)) == comparable(json.loads(path.read_text()))
    assert db.session.scalar(select(func.count(Review.id))) == 2
    assert client_for(shop.alice).get("/shop/alpha-copy/p/sneaker").status_code == 200


def test_bad_files_change_nothing(app, shop, tmp_path):
    runner = app.test_cli_runner()
    (tmp_path / "junk.json").write_text("{not json")
    result = runner.invoke(args=["import", str(tmp_path / "junk.json")])
    assert result.exit_code != 0 and "is not JSON" in result.output
    data = export_merchant(shop.alpha)
    taken = runner.invoke(args=["import", "-"], input=json.dumps(data))
    assert taken.exit_code != 0 and "taken" in taken.output
    data["products"][0]["category"] = "no-such-category"
    with pytest.raises(TransferError):
        import_merchant(data, "alpha-broken")
    assert db.session.scalar(select(Merchant).where(Merchant.slug == "alpha-broken")) is None
    assert db.session.scalar(select(func.count(Order.id))) == 0
