"""A plugin returning a plain string: the core must escape it."""

from storefront import PluginInfo, hookimpl

info = PluginInfo(name="core_plaintext", title="Plain text", version="1.0")


@hookimpl
def product_sections(product, scope):
    return "<script>alert('core_plaintext')</script>"
