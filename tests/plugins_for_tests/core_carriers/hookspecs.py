"""Hooks declared by the core_carriers test plugin."""

import pluggy

hookspec = pluggy.HookspecMarker("storefront")


@hookspec
def carrier_names(merchant):
    """Return the names of the carriers a plugin can track for this merchant."""
