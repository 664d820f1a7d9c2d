"""Records what it is handed by product, listing, order and periodic hooks."""

from markupsafe import Markup, escape

from storefront import PluginInfo, hookimpl

info = PluginInfo(name="core_scoped", title="Scope recorder", version="1.0")

calls: list[tuple[str, object]] = []


@hookimpl
def product_list_loaded(products, scope):
    calls.append(("product_list_loaded", (scope.category.slug, sorted(p.slug for p in products))))


@hookimpl
def product_badges(product, scope):
    return Markup('<span class="core-badge">badge:{}</span>').format(escape(product.slug))


@hookimpl
def order_panels(order, lines):
    names = ",".join(sorted(line.product.slug for line in lines))
    return Markup('<section class="core-panel">lines:{}</section>').format(names)


@hookimpl
def order_placed(order, lines):
    calls.append(("order_placed", sorted(line.product.slug for line in lines)))


@hookimpl
def worker_tick(merchant, scope, now):
    calls.append(("worker_tick", merchant.slug))
