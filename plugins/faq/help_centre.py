"""What the help page reads: a few answers per topic, one topic a page at a time, search pages.

A shop with a thousand answers must not render (and Markdown-format) a thousand answers
on every visit to its help page: the overview shows the first few of each topic and links
to the topic's own paged list, and search results come a page at a time. Every page gets
a bounded number of rows back and sends a fixed number of statements, however many answers
the shop has written.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import groupby

from flask import abort
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Select, case, func, select
from sqlalchemy.orm import selectinload
from sqlalchemy.sql.elements import ColumnElement

from storefront import db, page_number

from .forms import TOPIC_LABELS
from .models import TOPICS, FaqEntry

TOPIC_PREVIEW = 5  # answers per topic on the overview: a short page, on a phone too
PER_PAGE = 20  # answers per page of a topic or of search results


@dataclass
class TopicGroup:
    """One topic's heading, the answers shown under it, and how many the topic has in all."""

    topic: str
    entries: list[FaqEntry]
    total: int

    @property
    def label(self) -> str:
        return str(TOPIC_LABELS.get(self.topic, self.topic))

    @property
    def more(self) -> bool:
        """Whether the topic page has answers this group leaves out (the "see all" link)."""
        return self.total > len(self.entries)


def topic_rank(topic: ColumnElement) -> ColumnElement:
    """The TOPICS order in SQL, unknown topics last, so a page comes out in topic order."""
    return case({t: i for i, t in enumerate(TOPICS)}, value=topic, else_=len(TOPICS))


# Topic by topic, then the shop's own order within a topic: the same on every page.
HELP_ORDER = (topic_rank(FaqEntry.topic), FaqEntry.topic, FaqEntry.position, FaqEntry.id)


def help_position(entry: FaqEntry) -> list[int | str]:
    """Where `entry` stands in HELP_ORDER, computed from the row (a cursor's values)."""
    rank = TOPICS.index(entry.topic) if entry.topic in TOPICS else len(TOPICS)
    return [rank, entry.topic, entry.position, entry.id]


def in_help_order(found: Select) -> Select:
    return found.order_by(*HELP_ORDER)


def topic_previews(shop_wide: Select, per_topic: int = TOPIC_PREVIEW) -> list[TopicGroup]:
    """The first `per_topic` answers of every topic and each topic's total, in one statement.

    Window functions number and count the rows inside the database, so only the rows shown
    come back, and the number of topics does not add statements (one LIMIT per topic would).
    They number ids alone: sorting whole rows, answers and all, costs twice as long.
    """
    ranked = shop_wide.with_only_columns(
        FaqEntry.id,
        func.row_number()
        .over(partition_by=FaqEntry.topic, order_by=(FaqEntry.position, FaqEntry.id))
        .label("rank"),
        func.count().over(partition_by=FaqEntry.topic).label("total"),
    ).subquery()
    rows = db.session.execute(
        select(FaqEntry, ranked.c.total)
        .join(ranked, ranked.c.id == FaqEntry.id)
        .where(ranked.c.rank <= per_topic)
        .options(selectinload(FaqEntry.category))
        .order_by(topic_rank(FaqEntry.topic), FaqEntry.topic, ranked.c.rank)
    ).all()
    groups = page_groups([entry for entry, _ in rows])
    totals = {entry.topic: total for entry, total in rows}
    for group in groups:
        group.total = totals[group.topic]
    return groups


def paged(found: Select) -> Pagination:
    """One page of `found` in help order; 404 past the last page, as for a missing page."""
    pagination = db.paginate(
        in_help_order(found).options(selectinload(FaqEntry.category)),
        page=page_number(),
        per_page=PER_PAGE,
        error_out=False,
    )
    if pagination.page > 1 and not pagination.items:
        abort(404)
    return pagination


def page_groups(entries: list[FaqEntry]) -> list[TopicGroup]:
    """A page of answers (already in help order) under their topics' headings."""
    groups = []
    for topic, items in groupby(entries, key=lambda e: e.topic):
        items = list(items)
        groups.append(TopicGroup(topic, items, len(items)))
    return groups
