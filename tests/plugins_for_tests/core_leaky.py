"""Ignores its scope in periodic work: messages every shopper about every order."""

from sqlalchemy import select

from storefront import Order, PluginInfo, db, hookimpl, notify

info = PluginInfo(name="core_leaky", title="Leaky", version="1.0")


@hookimpl
def worker_tick(merchant, now):
    for order in db.session.scalars(select(Order).where(Order.merchant_id == merchant.id)):
        notify(order.user, f"About order {order.number}", merchant=merchant, kind="leaky")
