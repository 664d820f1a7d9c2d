"""Hooks the tracking plugin declares for other packages: carriers."""

import pluggy

hookspec = pluggy.HookspecMarker("storefront")


@hookspec
def tracking_carriers():
    """Return a list of `Carrier` objects (`storefront.plugins.tracking.carriers.Carrier`).

    Each carrier has a `code` (unique, stored on shipments), a display `name`, a regular
    expression its tracking numbers must match, a URL template for its tracking page
    (`{number}` is replaced) and optionally a `parse` function turning a webhook payload
    into `TrackingUpdate`s. Carriers of plugins that are off for the shop are not offered.
    """
