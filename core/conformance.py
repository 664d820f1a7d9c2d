"""Scope conformance: proof that a plugin acts only where it is on, for the object at hand.

Any plugin, built in or external, can run it from its own tests through the
`scope_conformance` fixture of `storefront.testing`:

    def test_my_plugin_respects_categories(scope_conformance):
        assert scope_conformance("giftwrap") == []

It switches the plugin on shop-wide but off for shoes, then on for bedding only, and in
each setting takes orders through their whole life (placed, paid, shipped, completed,
periodic work days later) and visits every shop page type (home, search, category,
product, cart, checkout, order, account, inbox) and the admin's order page and dashboard.
Meanwhile it watches every call into the plugin and every row the plugin adds:

- no hook call hands the plugin a product, variant, order line or record of a category
  where it is off, nor an order none of whose lines it is on for;
- no row the plugin adds concerns such an object, and an order of off products alone
  brings no message from it at all;
- where it is on for a product and implements a product hook, it is called there;
- once the shop switches it off, and once the platform hides it, no message the shopper
  or the owner was sent links to a page that is not found.

The answer is a list of violations in words; empty means the plugin conforms.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from flask import current_app
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from .events import dispatch_due, run_periodic
from .extensions import db
from .models import Category, Notification, Order, OrderItem, Product, Variant, utcnow
from .plugin_manager import acting_plugin
from .plugin_settings import set_enabled, set_platform
from .scopes import scope_of

PRODUCT_HOOKS = ("product_sections", "product_badges", "variant_picker_links")
TICK_DAYS = (0, 1, 8, 31, 61)


@dataclass
class Watch:
    """What one plugin was handed and what it wrote while the watch was on.

    Everything is judged at once, while the rows are still bound to their session (the
    worker runs each pass in a session of its own).
    """

    plugin: str
    setting: str
    violations: set[str] = field(default_factory=set)
    called_for: set[int] = field(default_factory=set)  # product ids of product hooks
    messages: list[str] = field(default_factory=list)
    pending: list[Any] = field(default_factory=list)

    def observe(self, plugin: str, hook: str, arguments: dict[str, Any]) -> None:
        if plugin != self.plugin:
            return
        if hook in PRODUCT_HOOKS and arguments.get("product") is not None:
            self.called_for.add(arguments["product"].id)
        for name, value in arguments.items():
            for obj in _scoped_objects(value):
                if _off_for(self.plugin, obj):
                    self.violations.add(
                        f"{self.setting}: {hook}({name}=...) got {_label(obj)}, off there"
                    )

    def added(self, session: Session, instance: Any) -> None:
        if acting_plugin() != self.plugin:
            return
        if isinstance(instance, Notification):
            self.messages.append(f"{instance.kind!r} message {instance.title!r}")
        self.pending.append(instance)

    def flushed(self, session: Session, flush_context: Any) -> None:
        """Rows the plugin added, judged once they have ids and their relations resolve."""
        rows, self.pending = self.pending, []
        for row in rows:
            if getattr(row, "scope_subject", None) is not None and _off_for(self.plugin, row):
                self.violations.add(
                    f"{self.setting}: wrote {_label(row)} about something it is off for"
                )


@contextmanager
def watching(plugin: str, setting: str) -> Iterator[Watch]:
    manager = current_app.extensions["storefront"].plugins
    watch = Watch(plugin, setting)
    manager.observers.append(watch.observe)
    event.listen(Session, "transient_to_pending", watch.added)
    event.listen(Session, "after_flush", watch.flushed)
    try:
        yield watch
    finally:
        event.remove(Session, "after_flush", watch.flushed)
        event.remove(Session, "transient_to_pending", watch.added)
        manager.observers.remove(watch.observe)


def _scoped_objects(value: Any) -> Iterator[Any]:
    if isinstance(value, (list, tuple, set)):
        for item in value:
            yield from _scoped_objects(item)
    elif isinstance(value, (Product, Variant, OrderItem, Category, Order)) or (
        getattr(value, "scope_subject", None) is not None
    ):
        yield value


def _label(obj: Any) -> str:
    for attribute in ("slug", "number", "product_name", "id"):
        if getattr(obj, attribute, None) is not None:
            return f"{type(obj).__name__} {getattr(obj, attribute)}"
    return type(obj).__name__


def _off_for(plugin: str, obj: Any) -> bool:
    if isinstance(obj, Order):
        return not any(scope_of(line).enabled(plugin) for line in obj.items)
    scope = scope_of(obj)
    return scope is not None and scope.category is not None and not scope.enabled(plugin)


@dataclass
class ConformanceShop:
    """The shop the check runs in: the `shop` fixture's alpha, its products and a shopper."""

    merchant: Any
    on_category: Any
    off_category: Any
    products: list[Any]
    shopper: Any
    owner: Any


def take_order(shop: ConformanceShop, products: list[Any], status: str = "completed") -> Order:
    """An order of one unit of each product, taken to `status` through the real transitions."""
    from .testing import Factory

    order = Factory().order(shop.merchant, shop.shopper, products=products, status=status)
    db.session.commit()
    return order


def _life_of_orders(shop: ConformanceShop, products: list[Any]) -> None:
    """Orders placed, paid, shipped, completed; events delivered; the worker days later."""
    for status in ("awaiting_shipment", "shipped", "completed"):
        take_order(shop, products, status)
        dispatch_due()
    start = utcnow()
    for days in TICK_DAYS:
        run_periodic(start + timedelta(days=days))
        dispatch_due()


def _visit_pages(client_for, shop: ConformanceShop, orders: list[Order]) -> list[str]:
    """Every page type as the shopper and the owner; the answers that were not 200."""
    slug = shop.merchant.slug
    shopper = client_for(shop.shopper)
    for product in shop.products:
        shopper.post(f"/shop/{slug}/p/{product.slug}/add", data={"variant": product.variants[0].id})
    pages = [
        f"/shop/{slug}/",
        f"/shop/{slug}/search?q=e",
        f"/shop/{slug}/c/{shop.on_category.slug}",
        f"/shop/{slug}/c/{shop.off_category.slug}",
        *(f"/shop/{slug}/p/{p.slug}" for p in shop.products),
        f"/shop/{slug}/cart",
        f"/shop/{slug}/checkout",
        f"/shop/{slug}/account",
        f"/shop/{slug}/account/inbox",
        *(f"/shop/{slug}/account/orders/{o.number}" for o in orders),
    ]
    owner = client_for(shop.owner)
    admin_pages = [f"/admin/{slug}/", *(f"/admin/{slug}/orders/{o.number}" for o in orders)]
    visits = [(shopper, url) for url in pages] + [(owner, url) for url in admin_pages]
    broken = []
    for client, url in visits:
        status = client.get(url).status_code
        if status != 200:
            broken.append(f"{url} answered {status}")
    return broken


def _implements(plugin: str, hooks: tuple[str, ...]) -> list[str]:
    manager = current_app.extensions["storefront"].plugins
    return [hook for hook in hooks if plugin in manager.implementers(hook)]


def _switch(plugin: str, shop: ConformanceShop, shop_wide: bool, off_row: bool | None):
    """Apply one setting; (products the plugin is off for, products it is on for)."""
    set_enabled(shop.merchant, plugin, shop_wide)
    set_enabled(shop.merchant, plugin, off_row, shop.off_category)
    set_enabled(shop.merchant, plugin, None if shop_wide else True, shop.on_category)
    db.session.commit()
    off_products = [p for p in shop.products if _off_for(plugin, p)]
    return off_products, [p for p in shop.products if p not in off_products]


def check(plugin: str, shop: ConformanceShop, client_for) -> list[str]:
    """Run both settings for `plugin`; the violations found, in words (empty: it conforms)."""
    manager = current_app.extensions["storefront"].plugins
    if plugin not in manager.records:
        return [f"{plugin} is not installed"]
    settings = {
        f"on shop-wide, off for {shop.off_category.slug}": (True, False),
        f"on for {shop.on_category.slug} only": (False, None),
    }
    found: list[str] = []
    # Messages first, while every order in the shop is of products the plugin is off for.
    for setting, switches in settings.items():
        off_products, _ = _switch(plugin, shop, *switches)
        with watching(plugin, setting) as watch:
            if off_products:
                _life_of_orders(shop, off_products)
        found += sorted(watch.violations)
        found += [f"{setting}: sent {m} about an order it is off for" for m in watch.messages]
    for setting, switches in settings.items():
        off_products, on_products = _switch(plugin, shop, *switches)
        with watching(plugin, setting) as watch:
            baskets = [shop.products, off_products, on_products]
            orders = [take_order(shop, basket) for basket in baskets if basket]
            dispatch_due()
            found += [f"{setting}: {line}" for line in _visit_pages(client_for, shop, orders)]
        found += sorted(watch.violations)
        if _implements(plugin, PRODUCT_HOOKS):
            found += [
                f"{setting}: never called for {product.slug}, where it is on"
                for product in on_products
                if product.id not in watch.called_for
            ]
    found += _links_once_switched_off(plugin, shop, client_for)
    return found


def _links_once_switched_off(plugin: str, shop: ConformanceShop, client_for) -> list[str]:
    """Every message the shopper and the owner were sent still leads somewhere once the
    shop stops offering the plugin, and once the platform hides it."""
    found = []
    for setting in ("off in the whole shop", "hidden by the platform"):
        if setting == "hidden by the platform":
            set_platform(plugin, available=False, enabled=None, actor=None)
        else:
            _switch(plugin, shop, False, None)
            set_enabled(shop.merchant, plugin, None, shop.on_category)
        db.session.commit()
        for person in (shop.shopper, shop.owner):
            client = client_for(person)
            links = db.session.scalars(
                select(Notification.link)
                .where(
                    Notification.user_id == person.id,
                    Notification.merchant_id == shop.merchant.id,
                    Notification.link.is_not(None),
                )
                .distinct()
            )
            for link in links:
                path = urlsplit(link)
                status = client.get(
                    path.path + (f"?{path.query}" if path.query else "")
                ).status_code
                if status == 404 or status >= 500:
                    found.append(f"{setting}: a message's link {link} answered {status}")
    set_platform(plugin, available=True, enabled=None, actor=None)
    db.session.commit()
    return found
