"""Records the events it receives; can be told to fail."""

from storefront import PluginInfo, hookimpl

info = PluginInfo(name="core_events", title="Event recorder", version="1.0")

received: list[tuple[str, str]] = []
failing = {"order_placed": False}


@hookimpl
def order_placed(order):
    if failing["order_placed"]:
        raise RuntimeError("core_events cannot take orders today")
    received.append(("order_placed", order.number))


@hookimpl
def order_status_changed(order, old, new):
    received.append(("order_status_changed", f"{order.number}:{old}->{new}"))
