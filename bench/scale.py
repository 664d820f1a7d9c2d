"""How pages behave as a shop grows: a small shop against a large one, timed and counted.

The small shop has 10 orders, 3 open returns and 10 reviews; the large one 10,000 orders
(each with a shipment), 1,000 open returns, a product with 100,000 reviews, 10,000
contact requests (1,000 open) and 1,000 FAQ entries. Both live in one database and are
served by one app, so the only difference between the two columns is the data. A page
whose time more than doubles, or whose SQL statement count grows, reads rows it does not
show (a missing index, a list loaded whole, a relationship loaded per row); a warning line
names it. Rows go in with bulk `insert()` so seeding takes seconds, not hours.
"""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import event, insert, select

from . import scratch
from .pages import shop_app

WARN_RATIO = 2.0
PHONE = "+8613800138000"


@dataclass(frozen=True)
class Size:
    orders: int
    returns: int  # open return requests, one per order
    reviews: int  # of the one product "runner"
    callbacks: int  # contact requests, the first `open_callbacks` still open
    open_callbacks: int
    faq: int  # shop-wide FAQ entries


SMALL = Size(orders=10, returns=3, reviews=10, callbacks=10, open_callbacks=3, faq=10)
LARGE = Size(
    orders=10_000, returns=1_000, reviews=100_000, callbacks=10_000, open_callbacks=1_000, faq=1_000
)


@dataclass(frozen=True)
class Shop:
    slug: str
    owner_id: int
    shopper_id: int
    order_number: str


@dataclass(frozen=True)
class Page:
    name: str
    role: str  # guest | shopper | owner
    path: str  # {shop} and {order} are filled in per shop


REVIEWS = "/shop/{shop}/p/runner/reviews"
PAGES = (
    Page("home", "guest", "/shop/{shop}/"),
    Page("category", "guest", "/shop/{shop}/c/shoes"),
    Page("product", "guest", "/shop/{shop}/p/runner"),
    Page("reviews page 1", "guest", REVIEWS),
    Page("reviews page 500", "guest", REVIEWS + "?page=500"),
    Page("reviews page 500, most helpful first", "guest", REVIEWS + "?sort=helpful&page=500"),
    Page("FAQ help page", "guest", "/shop/{shop}/help"),
    Page("contact form", "shopper", "/shop/{shop}/contact"),
    Page("account", "shopper", "/shop/{shop}/account"),
    Page("order detail", "shopper", "/shop/{shop}/account/orders/{order}"),
    Page("my returns", "shopper", "/shop/{shop}/account/returns"),
    Page("my messages", "shopper", "/shop/{shop}/account/messages"),
    Page("admin dashboard", "owner", "/admin/{shop}/"),
    Page("admin order list", "owner", "/admin/{shop}/orders"),
    Page("admin return queue", "owner", "/admin/{shop}/returns/"),
    Page("admin reviews", "owner", "/admin/{shop}/reviews/"),
    Page("admin FAQ", "owner", "/admin/{shop}/faq/"),
    Page("admin shipments", "owner", "/admin/{shop}/tracking/"),
    Page("admin callbacks", "owner", "/admin/{shop}/callbacks/"),
)


# -- seeding ---------------------------------------------------------------------------


def bulk(model, rows: list[dict]) -> None:
    """Insert many rows in batches (one multi-row INSERT per batch, no ORM objects)."""
    from storefront import db

    if rows:
        db.session.execute(insert(model), rows)


def bulk_ids(model, rows: list[dict]) -> list[int]:
    """As `bulk`, returning the new ids in row order, for the rows that refer to them."""
    from storefront import db

    if not rows:
        return []
    statement = insert(model).returning(model.id, sort_by_parameter_order=True)
    return list(db.session.scalars(statement, rows))


def people(slug: str) -> tuple:
    """Owner, shopper (all the orders) and reviewer (all the reviews) of one shop."""
    from storefront import User, db

    users = [
        User(email=f"{role}@{slug}.example", name=f"{role.title()} {slug}", password_hash="x")
        for role in ("owner", "shopper", "reviewer")
    ]
    db.session.add_all(users)
    db.session.flush()
    return tuple(users)


def catalogue(merchant):
    """Category "shoes" with the product "runner" in ten sizes."""
    from storefront import Category, Product, Variant, db

    category = Category(merchant_id=merchant.id, slug="shoes", name="Shoes", kind="shoes")
    db.session.add(category)
    db.session.flush()
    product = Product(
        merchant_id=merchant.id,
        category_id=category.id,
        slug="runner",
        name="Runner",
        description="A shoe.",
        price_minor=69900,
    )
    product.variants = [
        Variant(sku=f"R-{s}", size=str(s), colour="White", stock=1000) for s in range(36, 46)
    ]
    db.session.add(product)
    db.session.flush()
    return product


def first_order(merchant, shopper, owner, product):
    """One order placed the real way, with its status history: the order detail page's."""
    from storefront.orders import CartLine, change_status, mark_paid, place_order

    order = place_order(
        merchant,
        shopper,
        [CartLine(product.variants[0].id, 1)],
        recipient="Shopper",
        phone=PHONE,
        address="Road 1",
    )
    mark_paid(order, "test")
    change_status(order, "shipped", owner)
    change_status(order, "completed", owner)
    return order


def order_row(merchant, user, number: str, created) -> dict:
    return {
        "merchant_id": merchant.id,
        "user_id": user.id,
        "number": number,
        "status": "completed",
        "total_minor": 69900,
        "recipient": user.name,
        "phone": PHONE,
        "address": "Road 1",
        "payment_method": "test",
        "paid_at": created,
        "created_at": created,
    }


def item_row(order_id: int, product, sku: str) -> dict:
    return {
        "order_id": order_id,
        "product_id": product.id,
        "variant_id": product.variants[0].id,
        "product_name": product.name,
        "sku": sku,
        "quantity": 1,
        "unit_price_minor": 69900,
    }


def bulk_orders(merchant, shopper, product, count: int) -> list[tuple[int, int]]:
    """Completed orders of one line each, a minute apart; returns (order id, item id)."""
    from storefront import Order, OrderItem, utcnow

    now = utcnow()
    prefix = merchant.slug.upper()
    orders = bulk_ids(
        Order,
        [
            order_row(merchant, shopper, f"{prefix}-{n:06d}", now - timedelta(minutes=n + 1))
            for n in range(count)
        ],
    )
    items = bulk_ids(OrderItem, [item_row(o, product, "R-36") for o in orders])
    return list(zip(orders, items, strict=True))


def bulk_shipments(merchant, order_ids: list[int]) -> None:
    """A delivered parcel for every order: what the tracking pages list."""
    from storefront import utcnow
    from storefront.plugins.tracking.models import Shipment

    now = utcnow()
    rows = [
        {
            "merchant_id": merchant.id,
            "order_id": order_id,
            "carrier": "sf",
            "tracking_number": f"SF{order_id:013d}",
            "status": "delivered",
            "last_event_at": now - timedelta(hours=n),
            "delivered_at": now - timedelta(hours=n),
            "created_at": now - timedelta(hours=n + 48),
        }
        for n, order_id in enumerate(order_ids)
    ]
    bulk(Shipment, rows)


def bulk_returns(merchant, shopper, orders: list[tuple[int, int]]) -> None:
    """An open refund request (one line, one history event) for each order given."""
    from storefront import utcnow
    from storefront.plugins.returns.models import ReturnEvent, ReturnItem, ReturnRequest
    from storefront.plugins.returns.policy import REASONS

    now, reasons = utcnow(), list(REASONS)
    requests = bulk_ids(
        ReturnRequest,
        [
            {
                "merchant_id": merchant.id,
                "order_id": order_id,
                "user_id": shopper.id,
                "rma": f"{merchant.slug.upper()}-RMA-{n:06d}",
                "kind": "refund",
                "reason": reasons[n % len(reasons)],
                "description": "Too small.",
                "status": "requested",
                "created_at": now - timedelta(hours=n),
                "updated_at": now - timedelta(hours=n),
            }
            for n, (order_id, _) in enumerate(orders)
        ],
    )
    pairs = list(zip(requests, orders, strict=True))
    bulk(ReturnItem, [{"request_id": r, "order_item_id": i, "quantity": 1} for r, (_, i) in pairs])
    bulk(
        ReturnEvent,
        [{"request_id": r, "status": "requested", "actor_label": "Shopper"} for r in requests],
    )


def bulk_reviews(merchant, product, reviewer, count: int) -> None:
    """`count` published reviews on one old order of the reviewer, then the summary row.

    The holder order is ten years old so it sorts last in every order list: its many lines
    stay off the pages measured here, as one shopper's order would in a real shop.
    """
    from storefront import Order, OrderItem, db, utcnow
    from storefront.plugins.reviews.models import Review
    from storefront.plugins.reviews.rules import refresh_summary

    now = utcnow()
    number = f"{merchant.slug.upper()}-REVIEWS"
    (holder,) = bulk_ids(Order, [order_row(merchant, reviewer, number, now - timedelta(days=3650))])
    # Read the ids back in one query: RETURNING on 100,000 rows costs PostgreSQL seconds.
    bulk(OrderItem, [item_row(holder, product, f"B-{n}") for n in range(count)])
    items = db.session.scalars(
        select(OrderItem.id).where(OrderItem.order_id == holder).order_by(OrderItem.id)
    ).all()
    rows = [
        {
            "merchant_id": merchant.id,
            "product_id": product.id,
            "order_item_id": item,
            "user_id": reviewer.id,
            "stars": n % 5 + 1,
            "title": f"Review {n}",
            "body": "Fine.",
            "answers": {"fit": "true"},
            "status": "published",
            "helpful_count": n % 7,
            "photo_count": 0,
            "created_at": now - timedelta(minutes=n),
            "updated_at": now,
        }
        for n, item in enumerate(items)
    ]
    bulk(Review, rows)
    refresh_summary(product.id, merchant.id)


def bulk_callbacks(merchant, shopper, size: Size) -> None:
    """Contact requests of the shopper, each with its first message; most are resolved."""
    from storefront import utcnow
    from storefront.plugins.callbacks.models import TOPICS, ContactMessage, ContactRequest

    now = utcnow()
    rows = []
    for n in range(size.callbacks):
        created = now - timedelta(hours=n)
        done = n >= size.open_callbacks
        rows.append(
            {
                "merchant_id": merchant.id,
                "user_id": shopper.id,
                "name": shopper.name,
                "phone": PHONE,
                "topic": TOPICS[n % len(TOPICS)],
                "mode": "call",
                "status": "resolved" if done else "new",
                "first_response_at": created + timedelta(minutes=30) if done else None,
                "resolved_at": created + timedelta(hours=1) if done else None,
                "created_at": created,
            }
        )
    requests = bulk_ids(ContactRequest, rows)
    bulk(
        ContactMessage,
        [{"request_id": r, "author_id": shopper.id, "body": "Please call me."} for r in requests],
    )


def bulk_faq(merchant, count: int) -> None:
    """Published shop-wide FAQ entries across the topics."""
    from storefront.plugins.faq.models import TOPICS, FaqEntry

    rows = []
    for n in range(count):
        question, answer = f"Question {n}?", f"Answer **{n}**."
        rows.append(
            {
                "merchant_id": merchant.id,
                "topic": TOPICS[n % len(TOPICS)],
                "question": question,
                "answer": answer,
                "search_text": f"{question}\n{answer}".lower(),
                "position": n,
                "published": True,
            }
        )
    bulk(FaqEntry, rows)


def seed_shop(slug: str, size: Size) -> Shop:
    """One shop of the given size; call inside an app context."""
    from storefront import db
    from storefront.shops import create_shop

    owner, shopper, reviewer = people(slug)
    merchant = create_shop(slug, slug.title(), owner)
    product = catalogue(merchant)
    order = first_order(merchant, shopper, owner, product)
    orders = bulk_orders(merchant, shopper, product, size.orders - 1)
    bulk_shipments(merchant, [order.id, *(o for o, _ in orders)])
    bulk_returns(merchant, shopper, orders[: size.returns])
    bulk_reviews(merchant, product, reviewer, size.reviews)
    bulk_callbacks(merchant, shopper, size)
    bulk_faq(merchant, size.faq)
    db.session.commit()
    return Shop(slug, owner.id, shopper.id, order.number)


# -- measuring -------------------------------------------------------------------------


class StatementCounter:
    """Counts SQL statements sent to the engine while it is switched on."""

    def __init__(self, engine) -> None:
        self.engine, self.count = engine, 0

    def _record(self, *args) -> None:
        self.count += 1

    def __enter__(self) -> StatementCounter:
        self.count = 0
        event.listen(self.engine, "before_cursor_execute", self._record)
        return self

    def __exit__(self, *exc) -> None:
        event.remove(self.engine, "before_cursor_execute", self._record)


def clients(app, shop: Shop) -> dict:
    """A test client per role, signed in as tests do (a stored sign-in, no form)."""
    from storefront import db
    from storefront.models import User
    from storefront.testing import login

    made = {"guest": app.test_client()}
    for role, user_id in (("shopper", shop.shopper_id), ("owner", shop.owner_id)):
        client = app.test_client()
        with app.app_context():
            login(client, db.session.get(User, user_id))
        made[role] = client
    return made


def measure(client, path: str, counter: StatementCounter, rounds: int) -> tuple[float, int]:
    """Median milliseconds of `rounds` requests and the SQL statements of one, after a warm-up."""
    response = client.get(path)
    if response.status_code != 200:
        raise RuntimeError(f"{path} answered {response.status_code}")
    with counter:
        client.get(path)
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        client.get(path)
        samples.append(time.perf_counter() - start)
    return statistics.median(samples) * 1000, counter.count


def page_figures(page: Page, small: tuple[float, int], large: tuple[float, int]) -> dict:
    """The four figures of one page, and a warning line for what grows with the data."""
    ratio = large[0] / small[0]
    if ratio > WARN_RATIO:
        print(
            f"warning: {page.name} is {ratio:.1f}x slower in the large shop "
            f"({small[0]:.1f} -> {large[0]:.1f} ms)"
        )
    if large[1] > small[1]:
        print(f"warning: {page.name} sends {small[1]} -> {large[1]} SQL statements as data grows")
    return {
        f"{page.name} small ms": small[0],
        f"{page.name} large ms": large[0],
        f"{page.name} large/small": ratio,
        f"{page.name} SQL small/large": f"{small[1]}/{large[1]}",
    }


def measure_pages(app, shops: dict[str, Shop], engine, rounds: int) -> dict[str, float | str]:
    counter = StatementCounter(engine)
    by_shop = {label: clients(app, shop) for label, shop in shops.items()}
    figures: dict[str, float | str] = {}
    for page in PAGES:
        results = {
            label: measure(
                by_shop[label][page.role],
                page.path.format(shop=shop.slug, order=shop.order_number),
                counter,
                rounds,
            )
            for label, shop in shops.items()
        }
        figures.update(page_figures(page, results["small"], results["large"]))
    return figures


def run(postgres_url: str | None = None, rounds: int = 25) -> dict[str, float | str]:
    """Seed both shops (SQLite, or a scratch schema in the PostgreSQL database), then measure."""
    from storefront import db

    with scratch.database(postgres_url, "scale") as (folder, url):
        app = shop_app(folder, url)
        started = time.perf_counter()
        with app.app_context():
            db.create_all()
            shops = {"small": seed_shop("small", SMALL), "large": seed_shop("large", LARGE)}
            scratch.analyze(db)
            engine = db.engine
        figures: dict[str, float | str] = {"seeding both shops (s)": time.perf_counter() - started}
        try:
            figures.update(measure_pages(app, shops, engine, rounds))
        finally:
            engine.dispose()
    return figures


def markdown(figures: dict[str, float | str]) -> list[str]:
    """One row per page (small ms, large ms, ratio, SQL statements) instead of four."""
    lines = [
        "| page | small ms | large ms | large/small | SQL small/large |",
        "|---|---|---|---|---|",
    ]
    for page in PAGES:
        small, large = figures.get(f"{page.name} small ms"), figures.get(f"{page.name} large ms")
        if not isinstance(small, float) or not isinstance(large, float):
            continue
        ratio = figures[f"{page.name} large/small"]
        flag = " ⚠" if isinstance(ratio, float) and ratio > WARN_RATIO else ""
        sql = figures[f"{page.name} SQL small/large"]
        lines.append(f"| {page.name} | {small:.2f} | {large:.2f} | {ratio:.2f}{flag} | {sql} |")
    seeding = figures.get("seeding both shops (s)")
    if isinstance(seeding, float):
        lines += ["", f"Seeding both shops took {seeding:.1f} s."]
    return lines
