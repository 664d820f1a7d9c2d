"""Pytest fixtures for Storefront and for plugins built on it (registered as a pytest plugin).

Use them in a plugin's own test suite:

    def test_my_section(shop, enable_plugin, client):
        enable_plugin("giftwrap", shop.alpha, on_product_page=True)
        assert client.get(shop.product_url).status_code == 200

The database is SQLite in a temporary folder, or whatever `DATABASE_URL` names (the schema
is created once per session and emptied after every test).
"""

from __future__ import annotations

import functools
import os
import shutil
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from flask import g, request_started
from sqlalchemy import event, inspect, text

from .extensions import db

PASSWORD = "correct-horse-battery"

BROWSER_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@functools.cache
def _password_hash() -> str:
    """Hashing is slow by design; every test user shares one hash of PASSWORD."""
    from werkzeug.security import generate_password_hash

    return generate_password_hash(PASSWORD)


def _database_url(tmp_dir: Path) -> str:
    return os.environ.get("DATABASE_URL") or f"sqlite:///{tmp_dir / 'test.sqlite3'}"


@pytest.fixture(scope="session")
def storefront_instance_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("instance")


@pytest.fixture(scope="session")
def storefront_database_url(storefront_instance_dir) -> str:
    return _database_url(storefront_instance_dir)


@pytest.fixture
def storefront_config() -> dict[str, Any]:
    """Override in a test module to change the app's configuration."""
    return {}


@pytest.fixture
def storefront_plugins() -> list[str] | None:
    """Override to choose which plugins are installed (None = all discovered)."""
    return None


def base_config(database_url: str) -> dict[str, Any]:
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "WTF_CSRF_ENABLED": False,
        "STOREFRONT_STRICT_PLUGINS": True,
        "STOREFRONT_EMAIL_BACKEND": "console",
        "SERVER_NAME": None,
        "RATELIMIT_STORAGE_URI": "memory://",
        # Flask-Limiter's init_app defaults to the previous app's switch: one test turning
        # limits off would turn them off for every later test in the process
        "RATELIMIT_ENABLED": True,
        "REDIS_URL": None,  # a test that wants Redis says so; REDIS_URL in the env is for those
    }


_schema_ready: set[str] = set()


def _drop_everything() -> None:
    """Start the session from nothing, including tables of plugins this run does not load.

    On PostgreSQL such a table (left by an earlier run with every plugin) can hold a foreign
    key to a core table, and `drop_all` would refuse to drop the core table.
    """
    if db.engine.dialect.name == "postgresql":
        with db.engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
    else:
        db.drop_all()


def _ensure_schema(app) -> None:
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    with app.app_context():
        if url not in _schema_ready:
            _drop_everything()
            db.create_all()
            _schema_ready.add(url)
        else:
            db.create_all()  # tables of a plugin first seen in this test


def empty_database(app) -> None:
    """Delete every row, keeping the schema (much faster than dropping it on PostgreSQL)."""
    with app.app_context():
        db.session.remove()
        tables = [t.name for t in reversed(db.metadata.sorted_tables)]
        existing = set(inspect(db.engine).get_table_names())
        tables = [t for t in tables if t in existing]
        with db.engine.begin() as conn:
            if db.engine.dialect.name == "postgresql":
                quoted = ", ".join(f'"{t}"' for t in tables)
                conn.execute(text(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE"))
            else:
                for table in tables:
                    conn.execute(text(f'DELETE FROM "{table}"'))


def _fresh_g(sender, **extra) -> None:
    """Start every request with an empty `g`, as in production.

    A request reuses the app context this fixture pushed, and with it `g`: without this the
    signed-in user, merchant and scope of one request would leak into the next (and from
    one test client into another).
    """
    g.__dict__.clear()


@pytest.fixture
def app(
    storefront_config,
    storefront_plugins,
    storefront_database_url,
    storefront_instance_dir,
    tmp_path,
):
    """A Storefront app with an empty database, pushed as the current app context."""
    from .app import create_app

    config = base_config(storefront_database_url)
    if storefront_plugins is not None:
        config["STOREFRONT_PLUGINS"] = list(storefront_plugins)
    config.update(storefront_config)
    application = create_app(config, instance_path=str(tmp_path / "instance"))
    _ensure_schema(application)
    ctx = application.app_context()
    ctx.push()
    request_started.connect(_fresh_g, application)
    try:
        yield application
    finally:
        request_started.disconnect(_fresh_g, application)
        db.session.remove()
        ctx.pop()
        empty_database(application)
        with application.app_context():
            db.engine.dispose()


@pytest.fixture
def sent_emails(app) -> list:
    """The mails the console backend has sent in this test, as `EmailMessage` objects."""
    return app.extensions["storefront"].extra.setdefault("sent_emails", [])


@pytest.fixture
def client(app):
    return app.test_client()


class QueryCounter:
    """Counts SQL statements, to prove a page does not grow with its data (no N+1)."""

    def __init__(self, engine) -> None:
        self.engine = engine
        self.statements: list[str] = []

    def _record(self, conn, cursor, statement, parameters, context, executemany):
        self.statements.append(statement)

    def __enter__(self) -> QueryCounter:
        event.listen(self.engine, "before_cursor_execute", self._record)
        return self

    def __exit__(self, *exc) -> None:
        event.remove(self.engine, "before_cursor_execute", self._record)

    @property
    def count(self) -> int:
        return len(self.statements)


@pytest.fixture
def count_queries(app):
    def counter() -> QueryCounter:
        return QueryCounter(db.engine)

    return counter


@dataclass
class Factory:
    """Builds tenant data in as few lines as a test needs."""

    counter: int = 0
    made: dict[str, Any] = field(default_factory=dict)

    def _next(self) -> int:
        self.counter += 1
        return self.counter

    def user(
        self,
        name: str | None = None,
        email: str | None = None,
        locale: str | None = None,
        platform_admin: bool = False,
        phone: str | None = None,
    ):
        from .models import User

        n = self._next()
        user = User(
            email=email or f"user{n}@example.com",
            name=name or f"User {n}",
            locale=locale,
            is_platform_admin=platform_admin,
            phone=phone,
        )
        user.password_hash = _password_hash()
        db.session.add(user)
        db.session.flush()
        return user

    def merchant(
        self,
        slug: str | None = None,
        name: str | None = None,
        owner=None,
        agents: int = 0,
        locale: str = "en",
        theme: str = "default",
    ):
        from .models import Membership
        from .shops import create_shop

        n = self._next()
        owner = owner or self.user(name=f"Owner {n}")
        merchant = create_shop(
            slug or f"shop{n}", name or f"Shop {n}", owner, locale=locale, theme=theme
        )
        for _ in range(agents):
            agent = self.user()
            db.session.add(Membership(user_id=agent.id, merchant_id=merchant.id, role="agent"))
        db.session.flush()
        return merchant

    def staff(self, merchant, role: str = "agent", **kwargs):
        from .models import Membership

        user = self.user(**kwargs)
        db.session.add(Membership(user_id=user.id, merchant_id=merchant.id, role=role))
        db.session.flush()
        return user

    def category(
        self, merchant, kind: str = "other", slug: str | None = None, name: str | None = None
    ):
        from .models import Category

        n = self._next()
        category = Category(
            merchant_id=merchant.id,
            kind=kind,
            slug=slug or f"{kind}-{n}",
            name=name or f"{kind.title()} {n}",
            position=n,
        )
        db.session.add(category)
        db.session.flush()
        return category

    def product(
        self,
        merchant,
        category,
        name: str | None = None,
        price: int = 10000,
        sizes: tuple[str, ...] = ("M",),
        colours: tuple[str, ...] = ("Black",),
        stock: int = 5,
        slug: str | None = None,
    ):
        from .models import Product, Variant

        n = self._next()
        product = Product(
            merchant_id=merchant.id,
            category_id=category.id,
            slug=slug or f"product-{n}",
            name=name or f"Product {n}",
            description="A test product.",
            price_minor=price,
        )
        for size in sizes:
            for colour in colours:
                product.variants.append(
                    Variant(sku=f"P{n}-{size}-{colour}", size=size, colour=colour, stock=stock)
                )
        db.session.add(product)
        db.session.flush()
        return product

    def order(
        self,
        merchant,
        user,
        product=None,
        status: str = "awaiting_shipment",
        quantity: int = 1,
        actor=None,
        products: list | tuple = (),
    ):
        """An order taken to `status` through the real transitions.

        `products` makes one line per product (an order of a duvet and a sneaker, to see
        a plugin on for bedding and off for shoes); otherwise one line of `product`.
        """
        from .orders import CartLine, change_status, mark_paid, place_order

        if product is None and not products:
            category = self.category(merchant)
            product = self.product(merchant, category)
        order = place_order(
            merchant,
            user,
            [CartLine(p.variants[0].id, quantity) for p in (products or [product])],
            recipient=user.name,
            phone="+8613800138000",
            address="1 Test Road, Shanghai",
        )
        path = {
            "pending_payment": [],
            "awaiting_shipment": ["paid"],
            "shipped": ["paid", "shipped"],
            "completed": ["paid", "shipped", "completed"],
            "cancelled": ["cancelled"],
        }[status]
        for step in path:
            if step == "paid":
                mark_paid(order, "test")
            else:
                change_status(order, step, actor or user)
        db.session.flush()
        return order


@pytest.fixture
def make(app) -> Factory:
    return Factory()


@pytest.fixture
def shop(app, make) -> SimpleNamespace:
    """Two shops with staff, categories and products, and two shoppers.

    `alpha` sells bedding, shoes and apparel; `beta` is a second tenant for isolation tests.
    """
    alpha_owner = make.user(name="Alpha Owner", email="owner@alpha.example")
    alpha = make.merchant("alpha", "Alpha Home", owner=alpha_owner)
    alpha_agent = make.staff(alpha, "agent", name="Alpha Agent", email="agent@alpha.example")
    beta_owner = make.user(name="Beta Owner", email="owner@beta.example")
    beta = make.merchant("beta", "Beta Beds", owner=beta_owner)
    bedding = make.category(alpha, "bedding", "bedding", "Bedding")
    shoes = make.category(alpha, "shoes", "shoes", "Shoes")
    apparel = make.category(alpha, "apparel", "apparel", "Apparel")
    beta_bedding = make.category(beta, "bedding", "bedding", "Bedding")
    duvet = make.product(
        alpha,
        bedding,
        "Linen Duvet Cover",
        59900,
        sizes=("1.5m", "1.8m"),
        colours=("Oat",),
        slug="duvet",
    )
    sneaker = make.product(
        alpha,
        shoes,
        "Leather Sneaker",
        69900,
        sizes=("38", "39", "40", "41", "42"),
        colours=("White",),
        slug="sneaker",
    )
    tee = make.product(
        alpha, apparel, "Cotton Tee", 12900, sizes=("S", "M", "L"), colours=("Black",), slug="tee"
    )
    beta_quilt = make.product(
        beta, beta_bedding, "Silk Quilt", 159900, sizes=("1.8m",), colours=("White",), slug="quilt"
    )
    alice = make.user(name="Alice", email="alice@example.com")
    bob = make.user(name="Bob", email="bob@example.com")
    db.session.commit()
    return SimpleNamespace(
        alpha=alpha,
        beta=beta,
        alpha_owner=alpha_owner,
        alpha_agent=alpha_agent,
        beta_owner=beta_owner,
        bedding=bedding,
        shoes=shoes,
        apparel=apparel,
        beta_bedding=beta_bedding,
        duvet=duvet,
        sneaker=sneaker,
        tee=tee,
        beta_quilt=beta_quilt,
        alice=alice,
        bob=bob,
        password=PASSWORD,
    )


def login(client, user) -> None:
    """Sign a test client in as `user` without going through the form."""
    from .auth.sessions import issue

    key = issue(user, "test client")
    with client.session_transaction() as session:
        session["_user_id"] = key
        session["_fresh"] = True


def bearer(user, client_name: str = "test client") -> dict[str, str]:
    """Headers for an API request as `user`, with a new shopper token."""
    from .auth.sessions import issue

    return {"Authorization": f"Bearer {issue(user, client_name)}"}


def merchant_key(merchant, created_by, scopes=None) -> dict[str, str]:
    """Headers for an API request with a new API key of `merchant` (all scopes by default)."""
    from .admin.api_keys import create_key
    from .models import API_KEY_SCOPES

    _key, secret = create_key(merchant, created_by, "test key", list(scopes or API_KEY_SCOPES))
    return {"Authorization": f"Bearer {secret}"}


@pytest.fixture
def client_for(app):
    """`client_for(user)` gives a fresh test client signed in as that user."""

    def make_client(user):
        new_client = app.test_client()
        login(new_client, user)
        return new_client

    return make_client


@pytest.fixture
def owner_client(shop, client_for):
    """A client signed in as the owner of `shop.alpha`."""
    return client_for(shop.alpha_owner)


@pytest.fixture
def agent_client(shop, client_for):
    """A client signed in as an agent of `shop.alpha`."""
    return client_for(shop.alpha_agent)


@pytest.fixture
def shopper_client(shop, client_for):
    """A client signed in as the shopper `shop.alice`."""
    return client_for(shop.alice)


@pytest.fixture
def platform_admin_client(make, client_for):
    """A client signed in as a platform administrator."""
    admin = make.user(name="Platform Admin", email="platform@example.com", platform_admin=True)
    db.session.commit()
    return client_for(admin)


@pytest.fixture
def enable_plugin(app):
    """`enable_plugin(name, merchant, category=None, **config)` switches a plugin on there."""
    from .plugin_settings import set_config, set_enabled

    def enable(name: str, merchant, category=None, enabled: bool | None = True, **config):
        set_enabled(merchant, name, enabled, category)
        if config:
            set_config(merchant, name, config, category)
        db.session.commit()

    return enable


@pytest.fixture
def disable_plugin(enable_plugin):
    def disable(name: str, merchant, category=None):
        enable_plugin(name, merchant, category, enabled=False)

    return disable


@pytest.fixture
def scope_conformance(shop, client_for):
    """`scope_conformance("name")` proves a plugin acts only where it is on; [] means it does.

    See `storefront.conformance`: the plugin is switched off for shoes, then on for bedding
    only, and watched through orders, periodic work, every shop page type and the admin's
    order page. Each item of the answer is a violation in words.
    """
    from .conformance import ConformanceShop, check

    def run(plugin: str) -> list[str]:
        products = [shop.duvet, shop.sneaker, shop.tee]
        for product in products:
            for variant in product.variants:
                variant.stock = 1000
        db.session.commit()
        target = ConformanceShop(
            shop.alpha, shop.bedding, shop.shoes, products, shop.alice, shop.alpha_owner
        )
        return check(plugin, target, client_for)

    return run


@pytest.fixture
def deliver_events(app):
    """Deliver queued outbox events now (tests that set STOREFRONT_EVENTS_INLINE off)."""
    from .events import dispatch_due

    return dispatch_due


# -- browser tests ---------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def live_server(app):
    """Serve the test app on 127.0.0.1 in a thread; yields its base URL."""
    from werkzeug.serving import make_server

    app.config["WTF_CSRF_ENABLED"] = True
    port = _free_port()
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)


def chromium_path() -> str | None:
    """Debian's Chromium when installed; otherwise Playwright's own browser is used."""
    for candidate in (
        os.environ.get("STOREFRONT_CHROMIUM"),
        "/usr/bin/chromium",
        shutil.which("chromium"),
        shutil.which("chromium-browser"),
    ):
        if candidate and Path(candidate).exists():
            return candidate
    return None


@pytest.fixture(scope="session")
def storefront_browser():
    from playwright.sync_api import sync_playwright

    executable = chromium_path()
    if executable is None and os.environ.get("CI"):
        pytest.fail(
            "Chromium is missing: install Debian's `chromium` package (or set "
            "STOREFRONT_CHROMIUM); browser tests never skip in CI.",
            pytrace=False,
        )
    with sync_playwright() as playwright:
        try:
            browser = playwright.chromium.launch(
                executable_path=executable, args=BROWSER_ARGS if executable else [], headless=True
            )
        except Exception as exc:
            pytest.fail(
                f"cannot start Chromium ({executable or 'Playwright build'}): {exc}. "
                "Install Debian's `chromium` package or set STOREFRONT_CHROMIUM.",
                pytrace=False,
            )
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def browser_page(storefront_browser, live_server) -> Iterator[Any]:
    """A Playwright page (desktop size) whose relative URLs go to the live test server."""
    context = storefront_browser.new_context(
        base_url=live_server, locale="en-US", viewport={"width": 1280, "height": 900}
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        yield page
    finally:
        context.close()


@pytest.fixture
def mobile_page(storefront_browser, live_server) -> Iterator[Any]:
    """A Playwright page 375 px wide, like a phone."""
    context = storefront_browser.new_context(
        base_url=live_server,
        locale="en-US",
        viewport={"width": 375, "height": 812},
        is_mobile=True,
        has_touch=True,
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        yield page
    finally:
        context.close()
