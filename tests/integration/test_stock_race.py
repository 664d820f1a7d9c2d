"""Two shoppers racing for the last item: exactly one gets it, stock never goes below zero.

Real concurrency: each shopper runs in its own thread with its own app context, session and
database connection; a barrier releases them together. Run it on PostgreSQL too (CI does).
"""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from storefront import db
from storefront.models import Merchant, Order, User, Variant
from storefront.orders import CartLine, OrderError, place_order

ROUNDS = 5
TIMEOUT = 30


@pytest.fixture
def storefront_plugins():
    return []


def race(app, shoppers: list[int], merchant_id: int, variant_id: int) -> list[str]:
    """Every shopper tries to buy one of the variant at the same moment; returns outcomes."""
    barrier = threading.Barrier(len(shoppers), timeout=TIMEOUT)
    outcomes: list[str] = []
    lock = threading.Lock()

    def buy(user_id: int) -> None:
        with app.app_context():
            try:
                user = db.session.get(User, user_id)
                merchant = db.session.get(Merchant, merchant_id)
                barrier.wait()
                place_order(
                    merchant,
                    user,
                    [CartLine(variant_id, 1)],
                    recipient=user.name,
                    phone="+8613800138000",
                    address="1 Road, Shanghai",
                )
                db.session.commit()
                outcome = "bought"
            except OrderError:
                db.session.rollback()
                outcome = "sold out"
            except Exception as exc:  # noqa: BLE001 - any other failure is a finding
                db.session.rollback()
                outcome = f"error: {exc!r}"
            finally:
                db.session.remove()
            with lock:
                outcomes.append(outcome)

    threads = [threading.Thread(target=buy, args=(uid,)) for uid in shoppers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(TIMEOUT)
    assert not any(t.is_alive() for t in threads), "a shopper is stuck (deadlock?)"
    return outcomes


def test_two_shoppers_race_for_the_last_item(app, shop):
    variant_id = shop.sneaker.variants[0].id
    shoppers = [shop.alice.id, shop.bob.id]
    for round_ in range(ROUNDS):
        db.session.get(Variant, variant_id).stock = 1
        db.session.commit()

        outcomes = race(app, shoppers, shop.alpha.id, variant_id)

        assert sorted(outcomes) == ["bought", "sold out"], f"round {round_}: {outcomes}"
        db.session.expire_all()
        assert db.session.get(Variant, variant_id).stock == 0
    orders = db.session.scalar(select(func.count(Order.id)))
    assert orders == ROUNDS


def test_more_shoppers_than_stock(app, shop, make):
    variant_id = shop.sneaker.variants[1].id
    db.session.get(Variant, variant_id).stock = 2
    shoppers = [make.user().id for _ in range(5)]
    db.session.commit()

    outcomes = race(app, shoppers, shop.alpha.id, variant_id)

    assert sorted(outcomes) == ["bought"] * 2 + ["sold out"] * 3
    db.session.expire_all()
    assert db.session.get(Variant, variant_id).stock == 0


def test_two_checkouts_over_http_race_for_the_last_item(app, shop, client_for):
    variant = shop.sneaker.variants[2]
    variant.stock = 1
    db.session.commit()
    clients = [client_for(shop.alice), client_for(shop.bob)]
    for client in clients:
        client.post("/shop/alpha/p/sneaker/add", data={"variant": variant.id, "quantity": 1})

    barrier = threading.Barrier(2, timeout=TIMEOUT)
    locations: list[str] = []

    def checkout(client) -> None:
        barrier.wait()
        response = client.post(
            "/shop/alpha/checkout",
            data={
                "recipient": "Racer",
                "phone": "13800138000",
                "line1": "1 Road",
                "city": "Shanghai",
                "payment": "test",
            },
        )
        locations.append(f"{response.status_code} {response.headers.get('Location')}")

    threads = [threading.Thread(target=checkout, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(TIMEOUT)

    assert len(locations) == 2
    assert sum("/account/orders/" in loc for loc in locations) == 1, locations
    assert sum(loc == "302 /shop/alpha/cart" for loc in locations) == 1, locations
    db.session.expire_all()
    assert db.session.get(Variant, variant.id).stock == 0
    [order] = db.session.scalars(select(Order)).all()
    assert order.status == "awaiting_shipment"
    loser = clients[0] if order.user_id == shop.bob.id else clients[1]
    assert "sold out" in loser.get("/shop/alpha/cart").text


def test_the_database_itself_refuses_negative_stock(app, shop):
    from sqlalchemy.exc import IntegrityError

    variant = shop.sneaker.variants[0]
    variant.stock = -1
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
