"""Internal plugin: tells shoppers and staff about order events through their inboxes."""

from __future__ import annotations

from flask import url_for
from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from .notifications import notify, notify_staff
from .orders import STATUS_LABELS
from .plugin_info import PluginInfo
from .plugin_manager import hookimpl

info = PluginInfo(name="order_notices", title="Order notices", internal=True, version="1.0")


def _shopper_notice(status: str, number: str):
    """The shopper's message for a status, rendered later in the shopper's own language."""
    messages = {
        "awaiting_shipment": lambda: gettext(
            "We received your payment for order %(number)s.", number=number
        ),
        "shipped": lambda: gettext("Your order %(number)s is on its way.", number=number),
        "completed": lambda: gettext(
            "Your order %(number)s is complete. Thank you!", number=number
        ),
        "cancelled": lambda: gettext("Your order %(number)s was cancelled.", number=number),
    }
    return messages.get(status)


def _order_link(order) -> str:
    return url_for("shop.order_detail", merchant=order.merchant.slug, number=order.number)


@hookimpl
def order_placed(order):
    notify_staff(
        order.merchant,
        _l("New order %(number)s", number=order.number),
        link=url_for("admin.order_detail", merchant=order.merchant.slug, number=order.number),
        kind="order",
        about=order,
    )


@hookimpl
def order_status_changed(order, old, new):
    title = _shopper_notice(new, order.number)
    if title is None:
        return
    notify(
        order.user,
        title,
        body=lambda: gettext("Status: %(status)s", status=STATUS_LABELS[new]),
        link=_order_link(order),
        merchant=order.merchant,
        kind="order",
        about=order,
    )
