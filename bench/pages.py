"""A product page with every plugin on against all off and against a bare Flask view.

The data is what a busy product has: 200 reviews, 50 FAQ entries, a shipment, open
questions. Times are medians of many requests through the WSGI stack (no network), so
the ratios show what the plugins add to the server's work.
"""

from __future__ import annotations

import statistics
import time
from datetime import timedelta

from flask import Flask, render_template_string
from sqlalchemy import event, insert, select

PLUGINS = ["faq", "reviews", "tracking", "returns", "callbacks"]
BARE_TEMPLATE = """<!doctype html><meta charset="utf-8"><title>{{ p.name }}</title>
<h1>{{ p.name }}</h1><p>{{ p.description }}</p><ul>{% for v in p.variants %}
<li>{{ v.label }} {{ v.stock }}</li>{% endfor %}</ul>"""


def shop_app(folder: str, url: str):
    """The app every benchmark measures: all five plugins, and no rate limits to hit."""
    from storefront import create_app

    return create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": "bench",
            "STOREFRONT_PLUGINS": PLUGINS,
            "RATELIMIT_ENABLED": False,
        },
        instance_path=folder,
    )


def seed(app, reviews: int = 200, faq: int = 50) -> str:
    from storefront import Merchant, OrderItem, User, db, utcnow
    from storefront.orders import CartLine, change_status, mark_paid, place_order
    from storefront.plugins.faq.models import FaqEntry, FaqQuestion
    from storefront.plugins.reviews.models import Review
    from storefront.plugins.reviews.rules import refresh_summary
    from storefront.plugins.tracking.models import Shipment
    from storefront.shops import create_shop

    from .scale import catalogue

    with app.app_context():
        db.create_all()
        owner = User(email="owner@bench.example", name="Owner", password_hash="x")
        shopper = User(email="shopper@bench.example", name="Shopper", password_hash="x")
        db.session.add_all([owner, shopper])
        db.session.flush()
        merchant: Merchant = create_shop("bench", "Bench", owner)
        product = catalogue(merchant)
        order = place_order(
            merchant,
            shopper,
            [CartLine(product.variants[0].id, 1)],
            recipient="S",
            phone="+8613800138000",
            address="Road 1",
        )
        mark_paid(order, "test")
        change_status(order, "shipped", owner)
        change_status(order, "completed", owner)
        db.session.add(
            Shipment(
                merchant_id=merchant.id,
                order_id=order.id,
                carrier="sf",
                tracking_number="SF1234567890123",
                status="delivered",
            )
        )
        for n in range(faq):
            entry = FaqEntry(
                merchant_id=merchant.id,
                category_id=product.category_id if n % 2 else None,
                question=f"Question {n}?",
                answer=f"Answer **{n}**.",
                topic="care",
            )
            entry.index_text()
            db.session.add(entry)
        db.session.add(
            FaqQuestion(
                merchant_id=merchant.id,
                product_id=product.id,
                user_id=shopper.id,
                text="Open question?",
            )
        )
        template = order.items[0]
        db.session.execute(
            insert(OrderItem),
            [
                {
                    "order_id": order.id,
                    "product_id": product.id,
                    "variant_id": template.variant_id,
                    "product_name": "Runner",
                    "sku": f"B-{n}",
                    "quantity": 1,
                    "unit_price_minor": 1,
                }
                for n in range(reviews)
            ],
        )
        items = db.session.scalars(select(OrderItem.id).where(OrderItem.sku.like("B-%"))).all()
        now = utcnow()
        db.session.execute(
            insert(Review),
            [
                {
                    "merchant_id": merchant.id,
                    "product_id": product.id,
                    "order_item_id": item,
                    "user_id": shopper.id,
                    "stars": n % 5 + 1,
                    "title": f"Review {n}",
                    "body": "Fine.",
                    "answers": {"fit": "true"},
                    "status": "published",
                    "helpful_count": 0,
                    "photo_count": 0,
                    "created_at": now - timedelta(minutes=n),
                    "updated_at": now,
                }
                for n, item in enumerate(items)
            ],
        )
        refresh_summary(product.id, merchant.id)
        db.session.commit()
    return "/shop/bench/p/runner"


def timed(client, path: str, rounds: int) -> float:
    client.get(path)
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        response = client.get(path)
        samples.append(time.perf_counter() - start)
        assert response.status_code == 200, response.status_code
    return statistics.median(samples) * 1000


def count_queries(app, client, path: str) -> int:
    from storefront import db

    with app.app_context():
        engine = db.engine
    seen = []
    listener = lambda *args: seen.append(1)  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        client.get(path)
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    return len(seen)


def run(rounds: int = 200, database_url: str | None = None) -> dict[str, float]:
    """The product page all on, all off and hand-written, on a throw-away database."""
    from . import scratch

    with scratch.database(database_url, "pages") as (folder, url):
        return _measure(rounds, folder, url)


def _measure(rounds: int, folder: str, url: str) -> dict[str, float]:
    from storefront import db
    from storefront.plugin_settings import set_enabled

    from . import scratch

    app = shop_app(folder, url)
    path = seed(app)
    with app.app_context():
        scratch.analyze(db)
    client = app.test_client()
    figures = {"product page, all 5 plugins on (ms)": timed(client, path, rounds)}
    figures["product page queries, all on"] = count_queries(app, client, path)
    with app.app_context():
        from storefront import Merchant

        merchant = db.session.scalar(select(Merchant).where(Merchant.slug == "bench"))
        for name in PLUGINS:
            set_enabled(merchant, name, False)
        db.session.commit()
    figures["product page, all plugins off (ms)"] = timed(client, path, rounds)
    figures["product page queries, all off"] = count_queries(app, client, path)

    bare = Flask("bare")
    bare.config["SQLALCHEMY_DATABASE_URI"] = url
    with app.app_context():
        from storefront import Product

        product_id = db.session.scalar(select(Product.id).where(Product.slug == "runner"))

    @bare.route("/p")
    def bare_view():
        with app.app_context():
            product = db.session.get(Product, product_id)
            html = render_template_string(BARE_TEMPLATE, p=product)
            db.session.remove()
            return html

    figures["hand-written Flask view (ms)"] = timed(bare.test_client(), "/p", rounds)
    all_on = figures["product page, all 5 plugins on (ms)"]
    all_off = figures["product page, all plugins off (ms)"]
    figures["all on / all off"] = all_on / all_off
    figures["all off / hand-written"] = all_off / figures["hand-written Flask view (ms)"]
    with app.app_context():
        db.engine.dispose()  # the throw-away schema can only be dropped once nobody holds it
    return figures
