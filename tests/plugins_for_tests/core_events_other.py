"""A second event handler that always works, to show one failing plugin delays no other."""

from storefront import PluginInfo, hookimpl

info = PluginInfo(name="core_events_other", title="Other recorder", version="1.0")

received: list[str] = []


@hookimpl
def order_placed(order):
    received.append(order.number)
