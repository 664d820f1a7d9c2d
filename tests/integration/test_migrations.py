"""Migrations: each owner ships its history, upgrades agree with the models, data stays."""

from __future__ import annotations

import os
import uuid

import pytest
from sqlalchemy import create_engine, inspect, select, text

from storefront import Merchant, create_app, db
from storefront.migrations import differences, has_migrations, owners, upgrade

PLUGINS = ["faq", "returns", "reviews", "tracking", "callbacks"]


def fresh_database_url(tmp_path) -> tuple[str, callable]:
    """An empty database: a new SQLite file, or a new database on the PostgreSQL under test."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgresql"):
        return f"sqlite:///{tmp_path}/migrations.sqlite3", lambda: None
    url = url.replace("postgresql://", "postgresql+psycopg://", 1) if "+psycopg" not in url else url
    base, _, _name = url.rpartition("/")
    name = f"storefront_migrations_{uuid.uuid4().hex[:8]}"
    admin = create_engine(f"{base}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return f"{base}/{name}", drop


@pytest.fixture
def empty_app(tmp_path):
    url, drop = fresh_database_url(tmp_path)
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "m", "STOREFRONT_PLUGINS": PLUGINS},
        instance_path=str(tmp_path),
    )
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()
    drop()


def test_every_owner_with_tables_ships_migrations(empty_app):
    assert set(owners()) == {"core", *PLUGINS}
    missing = [owner for owner, tables in owners().items() if tables and not has_migrations(owner)]
    assert missing == []


def test_upgrade_builds_a_schema_that_agrees_with_the_models(empty_app):
    assert upgrade()[0] == "core"
    tables = set(inspect(db.engine).get_table_names())
    assert {"merchant", "faq_entry", "reviews_review", "tracking_shipment"} <= tables
    assert {f"alembic_version_{o}" for o in ("core", *PLUGINS)} <= tables
    assert differences() == {}


def test_upgrading_again_or_without_a_plugin_keeps_the_data(empty_app, tmp_path):
    upgrade()
    db.session.add(Merchant(slug="kept", name="Kept"))
    db.session.commit()
    upgrade()
    without_faq = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": str(db.engine.url.render_as_string(hide_password=False)),
            "SECRET_KEY": "m",
            "STOREFRONT_PLUGINS": [p for p in PLUGINS if p != "faq"],
        },
        instance_path=str(tmp_path),
    )
    with without_faq.app_context():
        upgrade()
        assert "faq_entry" in inspect(db.engine).get_table_names()
        db.engine.dispose()
    assert db.session.scalar(select(Merchant.name).where(Merchant.slug == "kept")) == "Kept"


def test_a_database_made_before_migrations_is_adopted(empty_app):
    db.create_all()
    db.session.add(Merchant(slug="old", name="Old"))
    db.session.commit()
    upgrade()
    assert db.session.scalar(select(Merchant.name).where(Merchant.slug == "old")) == "Old"
    assert differences() == {}


def test_an_older_schema_with_data_is_upgraded_without_loss(empty_app):
    """The core's first schema, a shop with an order and a pending event, then the upgrade."""
    from storefront.models import (
        Category,
        EventDelivery,
        Order,
        OrderItem,
        OutboxEvent,
        Product,
        User,
        Variant,
        utcnow,
    )

    first_core_revision = "a373bce77760"
    upgrade({"core": first_core_revision})
    assert "claimed_by" not in {c["name"] for c in inspect(db.engine).get_columns("event_delivery")}

    merchant = Merchant(slug="old", name="Old Shop")
    shopper = User(email="old@example.com", name="Old Shopper", password_hash="x")
    db.session.add_all([merchant, shopper])
    db.session.flush()
    category = Category(merchant_id=merchant.id, slug="shoes", name="Shoes", kind="shoes")
    db.session.add(category)
    db.session.flush()
    product = Product(
        merchant_id=merchant.id, category_id=category.id, slug="boot", name="Boot", price_minor=1
    )
    product.variants = [Variant(sku="B-40", size="40", colour="Black", stock=3)]
    db.session.add(product)
    db.session.flush()
    # rows written as that schema's code wrote them: today's model has columns it lacks
    number = "20261207-OLD01"
    order_id = db.session.execute(
        Order.__table__.insert().values(
            merchant_id=merchant.id,
            user_id=shopper.id,
            number=number,
            status="pending_payment",
            currency="CNY",
            total_minor=2,
            recipient="Old",
            phone="+8613800138000",
            address="Road",
            created_at=utcnow(),
        )
    ).inserted_primary_key[0]
    db.session.execute(
        OrderItem.__table__.insert().values(
            order_id=order_id,
            product_id=product.id,
            variant_id=product.variants[0].id,
            product_name="Boot",
            sku="B-40",
            size="40",
            colour="Black",
            quantity=2,
            unit_price_minor=1,
        )
    )
    event = OutboxEvent(merchant_id=merchant.id, name="order_placed", payload={})
    db.session.add(event)
    db.session.flush()
    event_id = event.id
    db.session.execute(
        EventDelivery.__table__.insert().values(event_id=event_id, plugin="faq", status="pending")
    )
    db.session.commit()
    db.session.remove()

    result = empty_app.test_cli_runner().invoke(args=["db", "upgrade"])

    assert result.exit_code == 0, result.output
    assert differences() == {}
    kept = db.session.scalar(select(Order).where(Order.number == number))
    assert (kept.merchant.slug, kept.items[0].quantity, kept.items[0].sku) == ("old", 2, "B-40")
    delivery = db.session.scalar(select(EventDelivery))
    assert (delivery.plugin, delivery.status, delivery.claimed_by) == ("faq", "pending", None)
    indexes = {i["name"] for i in inspect(db.engine).get_indexes("order")}
    assert "ix_order_merchant_created" in indexes


def test_upgrade_to_names_owner_and_revision(empty_app):
    runner = empty_app.test_cli_runner()
    result = runner.invoke(args=["db", "upgrade", "--to", "core"])
    assert result.exit_code == 2
    assert "OWNER:REVISION" in result.output
    misspelt = runner.invoke(args=["db", "upgrade", "--to", "reveiws:1e9a737000da"])
    assert misspelt.exit_code == 2
    assert "no owner reveiws" in misspelt.output
    assert "alembic_version_reviews" not in inspect(db.engine).get_table_names()


def test_a_database_made_before_migrations_is_adopted_at_its_newest_even_with_to(empty_app):
    db.create_all()
    runner = empty_app.test_cli_runner()
    stopped = runner.invoke(args=["db", "upgrade", "--to", "core:a373bce77760"])
    assert stopped.exit_code == 0, stopped.output
    again = runner.invoke(args=["db", "upgrade"])
    assert again.exit_code == 0, again.output
    assert differences() == {}
