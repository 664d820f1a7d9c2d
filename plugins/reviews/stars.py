"""Star ratings as markup, drawn in Python: a page shows five or more of them.

As a Jinja macro each cost more than the review around it; the markup depends only on the
rating and the language, so it is made once per pair.
"""

from __future__ import annotations

from functools import lru_cache

from flask_babel import get_locale, gettext
from markupsafe import Markup


def stars(value: float) -> Markup:
    """Five stars, lit up to `value` (a quarter star short still counts as lit)."""
    return _stars(float(value), str(get_locale()))


@lru_cache(maxsize=512)
def _stars(value: float, locale: str) -> Markup:
    shown = int(value) if value.is_integer() else value
    lit = "".join(
        '<span class="on">★</span>' if value >= n - 0.25 else '<span class="off">★</span>'
        for n in range(1, 6)
    )
    label = gettext("%(n)s out of 5 stars", n=shown)
    opening = Markup('<span class="stars" role="img" aria-label="%s">') % label
    return opening + Markup(lit) + Markup("</span>")
