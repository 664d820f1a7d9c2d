"""Plugin fragments kept per process for visitors who are not signed in.

A product page's review and FAQ sections look the same to every anonymous visitor until
their data changes. A fragment is stored under a key made of what it shows (ids and
`updated_at` of its rows, the summary figures) plus what every page varies by (shop,
language, theme, address), so a change to the data makes a new key rather than needing
an invalidation that every process would have to hear about. Signed-in shoppers get
their own rendering: their fragments carry forms, CSRF tokens and their own questions.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable

from flask import current_app, g, request
from flask_babel import get_locale
from flask_login import current_user
from markupsafe import Markup

MAX_FRAGMENTS = 1024


class FragmentStore:
    """One per app: most recently used fragments first out when full."""

    def __init__(self) -> None:
        self.fragments: OrderedDict[Hashable, Markup] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: Hashable) -> Markup | None:
        with self.lock:
            fragment = self.fragments.get(key)
            if fragment is not None:
                self.fragments.move_to_end(key)
            return fragment

    def put(self, key: Hashable, fragment: Markup) -> None:
        with self.lock:
            self.fragments[key] = fragment
            if len(self.fragments) > MAX_FRAGMENTS:
                self.fragments.popitem(last=False)


def cached(content_key: Hashable, render: Callable[[], Markup]) -> Markup:
    """`render()`, or the same fragment rendered earlier for this content and page."""
    if current_user.is_authenticated:
        return render()
    merchant = g.merchant
    key = (
        content_key,
        merchant.id,
        merchant.name,
        merchant.timezone,
        merchant.settings_version,
        str(get_locale()),
        getattr(g, "theme", None),
        request.full_path,
    )
    store = current_app.extensions.setdefault("storefront_fragments", FragmentStore())
    fragment = store.get(key)
    if fragment is None:
        fragment = render()
        store.put(key, fragment)
    return fragment
