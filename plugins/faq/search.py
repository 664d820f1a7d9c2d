"""Searching entries by substring, and marking the matches in the text shown.

Chinese has no spaces between words, so full-text engines built on word boundaries miss
most queries; a lower-cased substring match over question and answer finds "床笠" in
"床笠尺寸怎么选" on SQLite and PostgreSQL alike, and each space-separated term must match.
"""

from __future__ import annotations

import re

from markupsafe import Markup, escape
from sqlalchemy import Select

from .models import FaqEntry

MAX_TERMS = 5


def terms_of(query: str) -> list[str]:
    return [t for t in query.lower().split() if t][:MAX_TERMS]


def escape_like(term: str) -> str:
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def matching(select_: Select, query: str) -> Select:
    for term in terms_of(query):
        select_ = select_.where(FaqEntry.search_text.like(f"%{escape_like(term)}%", escape="\\"))
    return select_


MARKDOWN_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
MARKDOWN_MARKS = re.compile(r"[*_`#>]+")


def plain_text(markdown_text: str, limit: int = 240) -> str:
    """A Markdown answer as a short plain snippet for search results."""
    text = MARKDOWN_MARKS.sub("", MARKDOWN_LINK.sub(r"\1", markdown_text))
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def highlight(text: str, query: str) -> Markup:
    """Escape `text`, then wrap every match of a term in <mark>."""
    terms = sorted(terms_of(query), key=len, reverse=True)
    if not terms:
        return escape(text)
    pattern = re.compile("|".join(re.escape(t) for t in terms), re.IGNORECASE)
    out, last = [], 0
    for match in pattern.finditer(text):
        out.append(escape(text[last : match.start()]))
        out.append(Markup("<mark>%s</mark>") % match.group(0))
        last = match.end()
    out.append(escape(text[last:]))
    return Markup("").join(out)
