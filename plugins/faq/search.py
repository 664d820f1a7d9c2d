"""Searching entries by substring, and marking the matches in the text shown.

Chinese has no spaces between words, so full-text engines built on word boundaries miss
most queries; a lower-cased substring match over question and answer finds "床笠" in
"床笠尺寸怎么选" on SQLite and PostgreSQL alike, and each space-separated term must match.
"""

from __future__ import annotations

import re

from markupsafe import Markup, escape
from sqlalchemy import Integer, Select, case, func, or_

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


CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
WORD = re.compile(r"[\w\u3400-\u9fff]+")


def loose_terms(text: str) -> list[str]:
    """Words of three letters or more, and two-character pieces of Chinese runs.

    A question being typed rarely contains an entry's exact wording; any shared word or
    pair of characters is enough to suggest it.
    """
    terms: list[str] = []
    for word in WORD.findall(text.lower()):
        if CJK.search(word):
            terms += [word[i : i + 2] for i in range(max(len(word) - 1, 1))]
        elif len(word) >= 3:
            terms.append(word)
    return list(dict.fromkeys(terms))[:12]


def suggesting(select_: Select, text: str) -> Select | None:
    """Entries sharing a term with `text`, those sharing the most first."""
    terms = loose_terms(text)
    if not terms:
        return None
    hits = [FaqEntry.search_text.like(f"%{escape_like(t)}%", escape="\\") for t in terms]
    score = sum((case((hit, 1), else_=0) for hit in hits), start=func.cast(0, Integer))
    return select_.where(or_(*hits)).order_by(score.desc(), FaqEntry.id)


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
