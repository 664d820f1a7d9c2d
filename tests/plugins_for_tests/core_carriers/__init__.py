"""A plugin that declares a hook of its own (as tracking declares carrier adapters)."""

from storefront import PluginInfo, hookimpl

from . import hookspecs as hookspecs  # the plugin's own hooks, found by the core

info = PluginInfo(name="core_carriers", title="Carriers", version="1.0")


@hookimpl
def carrier_names(merchant):
    return ["test-post"]
