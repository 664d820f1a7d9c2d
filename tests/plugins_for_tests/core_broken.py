"""A plugin whose product section always raises."""

from storefront import PluginInfo, hookimpl

info = PluginInfo(name="core_broken", title="Broken", version="1.0")


@hookimpl
def product_sections(product, scope):
    raise RuntimeError("core_broken exploded")
