"""Off unless switched on."""

from markupsafe import Markup

from storefront import PluginInfo, hookimpl

info = PluginInfo(name="core_optin", title="Opt-in", version="1.0", default_enabled=False)


@hookimpl
def product_sections(product, scope):
    return Markup('<section class="core-optin">opt-in section</section>')
