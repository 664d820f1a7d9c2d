"""Wraps every product section of every plugin (pluggy's new-style wrapper)."""

from markupsafe import Markup

from storefront import PluginInfo, hookimpl

info = PluginInfo(name="core_wrapper", title="Section wrapper", version="1.0")


@hookimpl(wrapper=True)
def product_sections(product, scope):
    sections = yield
    return [Markup('<div class="wrapped">') + s + Markup("</div>") for s in sections]
