"""Every hook the core calls. Each docstring is the reference text in docs/hooks.md.

The scope follows the object. A hook marked `@scoped_by("product")` is about that
argument: it reaches only the plugins that are on in the product's category, and its
`scope` is that category's. `@scoped_by("products", grouped=True)` splits a listing by
category and calls once per category with its products. A hook about an `order` reaches
a plugin only when it is on for at least one line, and hands it those lines as `lines`.
An unmarked hook is shop-wide: it reaches the plugins that are on somewhere in the shop,
with the shop-wide `scope`. Implementations may accept any subset of the arguments.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pluggy

hookspec = pluggy.HookspecMarker("storefront")


def scoped_by(argument: str, grouped: bool = False) -> Callable[[Any], Any]:
    """Name the argument whose object decides where a hook acts (plugins' hookspecs too)."""

    def mark(function: Any) -> Any:
        function.storefront_subject = (argument, grouped)
        return function

    return mark


def subject_of(spec_function: Any) -> tuple[str | None, bool]:
    """(argument, grouped) of a hookspec, or (None, False) for a shop-wide hook."""
    return getattr(spec_function, "storefront_subject", (None, False))


@hookspec
def init_app(app):
    """Called once per application, at start-up, for every installed plugin.

    Register blueprints, CLI commands, Jinja filters and signal handlers here. Blueprints
    registered from this hook belong to the plugin: their routes answer 404 wherever the
    plugin is off. Never switch behaviour on or off here; that is decided per call by scope.
    """


@hookspec
@scoped_by("product")
def product_badges(product, scope):
    """Return Markup shown next to a product's title (rating stars), or None.

    Called on product pages and in product lists (home, search, category), always in the
    product's category scope; keep it to one cheap query per list, or read what
    `product_list_loaded` prepared.
    """


@hookspec
@scoped_by("products", grouped=True)
def product_list_loaded(products, scope):
    """Called before a listing's badges are rendered, once per category on the page.

    `products` are that category's products on the page and `scope` its scope, so a plugin
    on for one category loads only what that category's badges need (avoids N+1).
    Returns nothing.
    """


@hookspec
@scoped_by("product")
def product_sections(product, scope):
    """Return Markup for a section of the product page (FAQ, size guide, reviews), or None."""


@hookspec
@scoped_by("product")
def variant_picker_links(product, scope):
    """Return Markup placed beside the variant picker (e.g. a "Size guide" link), or None."""


@hookspec
@scoped_by("order")
def order_panels(order, lines, scope):
    """Return Markup for a panel on the shopper's order page (tracking, returns, review).

    `lines` are the order's lines where the plugin is on; it is not called when there are
    none. `scope` is the shop-wide scope; `storefront.scope_of(line)` gives a line's own.
    """


@hookspec
@scoped_by("order")
def admin_order_panels(order, lines, scope):
    """Return Markup for a panel on the merchant's order page in the admin.

    `lines` are the order's lines where the plugin is on; it is not called when there are
    none.
    """


@hookspec
def account_links(user, scope):
    """Return a list of `Link` for the shopper's account menu ("My returns"), or None."""


@hookspec
def footer_links(scope):
    """Return a list of `Link` for the storefront footer ("Help", "Contact us"), or None."""


@hookspec
@scoped_by("obj")
def head_tags(page, obj, scope):
    """Return Markup for the page's <head> (JSON-LD); `page` names the page, `obj` its subject.

    On a product page `obj` is the product and the call is in its category scope; on
    other pages it is shop-wide.
    """


@hookspec
def admin_nav(merchant, scope):
    """Return a list of `Link` for the merchant admin's navigation, or None."""


@hookspec
def admin_cards(merchant, scope):
    """Return Markup for a card on the merchant dashboard (queues, counters), or None."""


@hookspec(firstresult=True)
def payment_methods(merchant, scope):
    """Return the list of `PaymentMethod` offered at checkout; the first non-None answer wins.

    The core's built-in "test payment" answers last (trylast), so a payment plugin replaces it.
    """


@hookspec(firstresult=True)
@scoped_by("merchant")
def login_code_exchange(merchant, provider, code, scope):
    """Exchange a mini-program's login `code` for who the shopper is: an `ExternalIdentity`.

    Called by `POST /api/v1/shops/<merchant>/auth/code` with the `provider` the client
    names ("wechat"). Answer None when `provider` is not yours (or you are not set up for
    this shop), so another adapter may answer; raise `LoginCodeRejected` when the provider
    refuses the code and `LoginProviderUnavailable` when it cannot be asked (down, slow,
    rate-limited, an answer you cannot read). Reaches only plugins on for the shop as a
    whole (its shop-wide setting), with the shop-wide `scope` for their settings. The
    core links the identity to a shopper account and answers a token; never keep or log
    what else the provider hands back (a session key).
    """


@hookspec
@scoped_by("order")
def order_placed(order, lines):
    """Event: an order was placed. Delivered through the outbox after commit, with retries.

    Reaches a plugin only when it is on for at least one line; `lines` are those lines.
    """


@hookspec
@scoped_by("order")
def order_status_changed(order, old, new, lines):
    """Event: an order moved from status `old` to `new`. Delivered through the outbox.

    Reaches a plugin only when it is on for at least one line; `lines` are those lines.
    """


@hookspec
@scoped_by("item")
def order_item_states(item, scope):
    """Return a set of state words for an order line ("returned", "exchanged", "reviewed").

    Lets plugins ask about each other's work without importing each other: reviews skips
    invitations for a line whose states include "returned".
    """


@hookspec(firstresult=True)
@scoped_by("order")
def order_delivered_at(order, lines):
    """Return the aware UTC datetime the order was delivered, or None if unknown.

    A shipping plugin (tracking) answers when it is on for one of the order's `lines`;
    return windows count from this moment.
    """


@hookspec
@scoped_by("order")
def exchange_ready_to_ship(order, items, reference, lines):
    """Event: the replacement of an approved exchange must be shipped.

    `items` is a list of dicts {"order_item_id", "variant_id", "quantity"}; `reference` is
    the RMA number. A shipping plugin creates a pending shipment for the items among its
    `lines` (the lines where it is on).
    """


@hookspec
@scoped_by("about")
def notification_created(notification, about):
    """Event: a notification was written to a user's inbox; deliver it on another channel.

    `about` is what the message concerns (an order, a product, an order line, a plugin
    record, or None for the shop as a whole), as passed to `notify(about=...)`.
    """


@hookspec
@scoped_by("about")
def notification_channels(about, scope):
    """Return a list of `NotificationChannel` objects (email, SMS ...). The inbox is always on.

    Asked for each notification: a channel plugin reaches only messages about what it is on
    for (`about`, see `notification_created`), so a channel off for shoes sends nothing
    about an order of shoes.
    """


@hookspec
def seed_demo(merchant, categories, shoppers, staff):
    """Add the plugin's demo data for one demo merchant (called by `storefront seed-demo`)."""


@hookspec
def export_merchant_data(merchant):
    """Return this plugin's rows for one merchant as JSON-serialisable data, or None.

    Called by `storefront export`; the result is stored under the plugin's name. Refer to
    core rows by their natural keys (order `number`, product `slug`, variant `sku`, category
    `slug`, user `email`), never by database ids: ids differ in the installation that imports.
    Uploaded files are referred to by their `Upload.token`.
    """


@hookspec
def import_merchant_data(merchant, data):
    """Recreate this plugin's rows for a merchant that `storefront import` just created.

    `data` maps each plugin's name to what its `export_merchant_data` returned; read your own
    entry (it may be missing when the export came from a shop without the plugin) and look
    core rows up by their natural keys. Runs inside the import's transaction: do not commit.
    """


@hookspec
def worker_tick(merchant, scope, now):
    """Periodic work, called by `storefront worker` about once a minute (and by `--once`).

    Called once per shop where the plugin is on somewhere, with that shop's shop-wide
    `scope`; work about a product or an order line checks `storefront.scope_of(obj)`.
    Runs inside a request context for the configured base URL (links work) and is
    committed after each plugin returns. Use it for checks no request triggers: overdue
    parcels, invitations that became due. Keep it idempotent: a tick can run twice.
    """
