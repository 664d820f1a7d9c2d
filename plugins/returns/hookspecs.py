"""Hooks the returns plugin declares for other packages."""

import pluggy

hookspec = pluggy.HookspecMarker("storefront")


@hookspec(firstresult=True)
def return_policy(item, order, scope):
    """Return the `ReturnPolicy` for one order line, or None to leave it to the next plugin.

    When no plugin answers, the returns plugin applies its settings-based policy; a plugin
    that wants other rules (a loyalty tier with longer windows, say) returns its own.
    """
