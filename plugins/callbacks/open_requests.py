"""Open requests counted, sorted and paged by the database, whatever their number.

Due times are not stored: they follow the business hours as they are now (see
business_time). But for one reply target a due time only grows with the request time, so
"overdue now" is "made before a cutoff" (`BusinessHours.due_cutoff`) and due-time order is
`created_at` order. When complaints have a target of their own, complaints and the rest
are two lists each already in due order; a page of the queue is then merged from the first
offset + page-size rows of each, so the work depends on the page asked for, not on the
number of open requests.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import islice
from typing import TYPE_CHECKING

from flask import g
from sqlalchemy import ColumnElement, Select, and_, case, false, func, or_, select
from sqlalchemy.orm import lazyload, selectinload

from storefront import db, utcnow

from .business_time import BusinessHours, Cutoff
from .models import OPEN_STATES, ContactRequest
from .service import ReplyTargets, due_at, hours_for, is_overdue, targets_for

if TYPE_CHECKING:
    from storefront import Merchant

FAR = datetime.max.replace(tzinfo=UTC)  # sorts requests without a due time last, as before
Row = tuple[ContactRequest, datetime | None, bool]  # request, due time, overdue
Key = tuple[int, datetime, datetime, int]  # rank, due time, request time, id


def created_before(cutoff: Cutoff | None) -> ColumnElement[bool]:
    """`Cutoff.covers` in SQL; no cutoff means no request qualifies."""
    if cutoff is None:
        return false()
    created = ContactRequest.created_at
    return created <= cutoff.moment if cutoff.inclusive else created < cutoff.moment


def overdue_clause(
    hours: BusinessHours, targets: ReplyTargets, now: datetime
) -> ColumnElement[bool]:
    """`service.is_overdue` at `now` in SQL: unanswered and made before the topic's cutoff."""
    unanswered = and_(
        ContactRequest.first_response_at.is_(None), ContactRequest.status != "resolved"
    )
    general = created_before(hours.due_cutoff(targets.general, now))
    if targets.complaint == targets.general:
        return and_(unanswered, general)
    complaint = ContactRequest.topic == "complaint"
    late_complaint = created_before(hours.due_cutoff(targets.complaint, now))
    return and_(unanswered, or_(and_(complaint, late_complaint), and_(~complaint, general)))


@dataclass(frozen=True)
class Waiting:
    """What the admin menu and the dashboard show: open requests without a first reply."""

    waiting: int
    overdue: int


def waiting_counts(merchant: Merchant, now: datetime | None = None) -> Waiting:
    """One aggregate query, made once per request: the dashboard asks from menu and cards."""
    cache = g.setdefault("callbacks_waiting", {})
    if merchant.id not in cache:
        late = overdue_clause(hours_for(merchant), targets_for(merchant), now or utcnow())
        waiting, overdue = db.session.execute(
            select(func.count(), func.count().filter(late)).where(
                ContactRequest.merchant_id == merchant.id,
                ContactRequest.status.in_(OPEN_STATES),
                ContactRequest.first_response_at.is_(None),
            )
        ).one()
        cache[merchant.id] = Waiting(waiting, overdue)
    return cache[merchant.id]


@dataclass(frozen=True)
class QueuePage:
    """One page of the queue with the figures its template shows."""

    rows: list[Row]
    page: int
    pages: int
    overdue: int
    hours: BusinessHours


class Queue:
    """A merchant's open requests (one agent's, or the overdue) in queue order, as of `now`.

    Order: overdue first, then unanswered, then answered; within each by due time, then by
    request time. `rank` is the first part in SQL; `created_at` stands for the due time.
    """

    def __init__(
        self,
        merchant: Merchant,
        assignee_id: int | None,
        now: datetime | None = None,
        overdue_only: bool = False,
    ) -> None:
        self.hours = hours_for(merchant)
        self.targets = targets_for(merchant)
        self.now = now or utcnow()
        self.late = overdue_clause(self.hours, self.targets, self.now)
        self.rank = case((self.late, 0), (ContactRequest.first_response_at.is_(None), 1), else_=2)
        self.filters = [
            ContactRequest.merchant_id == merchant.id,
            ContactRequest.status.in_(OPEN_STATES),
        ]
        if assignee_id is not None:
            self.filters.append(ContactRequest.assignee_id == assignee_id)
        if overdue_only:
            self.filters.append(self.late)

    def counts(self) -> tuple[int, int]:
        """All open requests and the overdue ones, in one aggregate query."""
        query = select(func.count(), func.count().filter(self.late)).where(*self.filters)
        total, overdue = db.session.execute(query).one()
        return total, overdue

    def page(self, wanted: int, per_page: int) -> QueuePage:
        """Page `wanted`, or the last one when there are fewer."""
        total, overdue = self.counts()
        pages = max((total + per_page - 1) // per_page, 1)
        page = min(max(wanted, 1), pages)
        found = self.requests((page - 1) * per_page, per_page)
        rows = [self.row(r) for r in found]
        return QueuePage(rows, page, pages, overdue, self.hours)

    def row(self, found: ContactRequest) -> Row:
        due = due_at(found, self.hours, self.targets)
        return found, due, is_overdue(found, self.hours, self.now, self.targets)

    def ordered(self, query: Select) -> Select:
        return query.order_by(self.rank, ContactRequest.created_at, ContactRequest.id)

    def requests(self, offset: int, limit: int) -> list[ContactRequest]:
        """The requests at [offset, offset + limit) in queue order."""
        query = select(ContactRequest).where(*self.filters)
        if self.targets.complaint == self.targets.general:
            return load(self.ordered(query).offset(offset).limit(limit))
        ids = self.merged_ids(offset, limit)
        found = {r.id: r for r in load(query.where(ContactRequest.id.in_(ids)))}
        return [found[i] for i in ids]

    def merged_ids(self, offset: int, limit: int) -> list[int]:
        """Two targets: complaints and the rest, each in due order, merged by due time.

        The first offset + limit of the merge come from the first offset + limit of each
        list, so only those are read (ids and request times, no whole rows).
        """
        complaint = ContactRequest.topic == "complaint"
        lists = [self.keys(part, offset + limit) for part in (complaint, ~complaint)]
        return [key[-1] for key in islice(heapq.merge(*lists), offset, offset + limit)]

    def keys(self, part: ColumnElement[bool], limit: int) -> list[Key]:
        """(rank, due, created, id) of the first `limit` requests of one target, sorted."""
        query = select(
            self.rank, ContactRequest.created_at, ContactRequest.topic, ContactRequest.id
        ).where(*self.filters, part)
        keys = []
        for rank, created, topic, ident in db.session.execute(self.ordered(query).limit(limit)):
            due = self.hours.add_minutes(created, self.targets.minutes(topic))
            keys.append((rank, due or FAR, created, ident))
        return keys


def load(query: Select) -> list[ContactRequest]:
    """Requests with their agent; the conversation and calls stay unloaded (not shown)."""
    options = (
        selectinload(ContactRequest.assignee),
        lazyload(ContactRequest.messages),
        lazyload(ContactRequest.attempts_log),
    )
    return list(db.session.scalars(query.options(*options)))
