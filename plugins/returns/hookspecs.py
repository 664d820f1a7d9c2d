"""Hooks the returns plugin declares for other packages."""

import pluggy

from storefront import scoped_by

hookspec = pluggy.HookspecMarker("storefront")


@hookspec(firstresult=True)
@scoped_by("item")
def return_policy(item, order, scope):
    """Return the `ReturnPolicy` for one order line, or None to leave it to the next plugin.

    Reaches the plugins on in the line's category; `scope` is that category's.

    When no plugin answers, the returns plugin applies its settings-based policy; a plugin
    that wants other rules (a loyalty tier with longer windows, say) returns its own.
    """
