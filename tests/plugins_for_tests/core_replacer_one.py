"""Stands in for core_sections wherever it is on."""

from markupsafe import Markup

from storefront import PluginInfo, hookimpl

info = PluginInfo(
    name="core_replacer_one",
    title="Replacer one",
    version="1.0",
    default_enabled=False,
    replaces="core_sections",
)


@hookimpl
def product_sections(product, scope):
    return Markup('<section class="core-replacer-one">replacement one</section>')
