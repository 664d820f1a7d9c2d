"""A payment plugin whose every payment is declined: the failure path of checkout, for real."""

from storefront import PaymentError, PaymentMethod, PluginInfo, hookimpl

info = PluginInfo(
    name="core_declining_payment", title="Declining payment", version="1.0", default_enabled=True
)

DECLINED = "The card was declined."


def _decline(order) -> None:
    raise PaymentError(DECLINED)


@hookimpl
def payment_methods(merchant, scope):
    return [PaymentMethod("card", "Card", _decline)]
