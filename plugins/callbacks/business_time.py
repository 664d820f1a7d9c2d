"""Business time: opening hours per weekday, holidays, and minutes counted only while open.

Due times are computed when they are read, from the request's creation time and the
hours as they are now, so a shop that changes its hours moves every open due time too.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
SPAN = re.compile(r"^\s*([01]\d|2[0-3]):([0-5]\d)\s*-\s*([01]\d|2[0-4]):([0-5]\d)\s*$")
MAX_DAYS = 400


def parse_span(text: str) -> tuple[time, time] | None:
    """'09:00-18:00' -> (09:00, 18:00); '' -> None (closed); anything else raises ValueError."""
    if not text or not text.strip():
        return None
    match = SPAN.match(text)
    if not match:
        raise ValueError(text)
    h1, m1, h2, m2 = (int(g) for g in match.groups())
    start = time(h1, m1)
    end = time.max if (h2, m2) == (24, 0) else time(h2, m2)
    if h2 * 60 + m2 <= h1 * 60 + m1:
        raise ValueError(text)
    return start, end


def parse_holidays(text: str) -> set[date]:
    days = set()
    for part in re.split(r"[\s,]+", text or ""):
        if part:
            days.add(date.fromisoformat(part))
    return days


@dataclass(frozen=True)
class Cutoff:
    """Requests made before `moment` (or at it, when `inclusive`) are due before a given time.

    Due times only grow with the request time, so "due before T" is always "made before some
    moment": the database can then count and sort overdue requests by `created_at` alone.
    """

    moment: datetime
    inclusive: bool

    def covers(self, created: datetime) -> bool:
        """The same test in Python, for a request already loaded."""
        return created <= self.moment if self.inclusive else created < self.moment


@dataclass(frozen=True)
class BusinessHours:
    spans: dict[int, tuple[time, time] | None]  # weekday 0=Monday
    holidays: frozenset[date]
    zone: ZoneInfo

    @classmethod
    def from_settings(cls, settings: dict, timezone: str) -> BusinessHours:
        spans = {}
        for index, day in enumerate(WEEKDAYS):
            try:
                spans[index] = parse_span(settings.get(f"hours_{day}", ""))
            except ValueError:
                spans[index] = None
        try:
            holidays = frozenset(parse_holidays(settings.get("holidays", "")))
        except ValueError:
            holidays = frozenset()
        return cls(spans, holidays, ZoneInfo(timezone or "UTC"))

    def _window(self, day: date) -> tuple[datetime, datetime] | None:
        if day in self.holidays:
            return None
        span = self.spans.get(day.weekday())
        if span is None:
            return None
        start = datetime.combine(day, span[0], self.zone)
        if span[1] == time.max:
            end = datetime.combine(day + timedelta(days=1), time(0), self.zone)
        else:
            end = datetime.combine(day, span[1], self.zone)
        # UTC, so arithmetic across a daylight-saving change counts real minutes.
        return start.astimezone(UTC), end.astimezone(UTC)

    def _windows_from(self, moment: datetime):
        moment = moment.astimezone(UTC)
        local = moment.astimezone(self.zone)
        for offset in range(MAX_DAYS):
            window = self._window(local.date() + timedelta(days=offset))
            if window and window[1] > moment:
                yield max(window[0], moment), window[1]

    def _windows_before(self, moment: datetime) -> Iterator[tuple[datetime, datetime]]:
        """The opening windows up to `moment`, latest first, the current one cut at `moment`."""
        moment = moment.astimezone(UTC)
        local = moment.astimezone(self.zone)
        for offset in range(MAX_DAYS):
            window = self._window(local.date() - timedelta(days=offset))
            if window and window[0] < moment:
                yield window[0], min(window[1], moment)

    def is_open(self, moment: datetime) -> bool:
        window = self._window(moment.astimezone(self.zone).date())
        return bool(window and window[0] <= moment < window[1])

    def next_opening(self, moment: datetime) -> datetime | None:
        """`moment` itself when open, else the start of the next opening."""
        for start, _end in self._windows_from(moment):
            return start
        return None

    def add_minutes(self, start: datetime, minutes: int) -> datetime | None:
        """The moment `minutes` of opening time after `start`; None if the shop never opens."""
        left = timedelta(minutes=minutes)
        for begin, end in self._windows_from(start):
            if begin + left <= end:
                return begin + left
            left -= end - begin
        return None

    def minutes_between(self, first: datetime, last: datetime) -> float:
        """Opening minutes between two moments (0 when `last` is not after `first`)."""
        total = timedelta()
        last = last.astimezone(UTC)
        for begin, end in self._windows_from(first):
            if begin >= last:
                break
            total += min(end, last) - begin
        return total.total_seconds() / 60

    def due_cutoff(self, minutes: int, moment: datetime) -> Cutoff | None:
        """Which requests have `add_minutes(created, minutes) < moment`; None when none has.

        Walks `minutes` of opening time back from `moment`. The edges follow `add_minutes`,
        which answers the first instant the minutes are reached: when the shop is closed at
        `moment`, a request made exactly at the start of the walk was due when it last
        closed, so it is late too (inclusive); when open, it is due at `moment` itself, not
        late, and so is a request made in the closed time just before that start.
        """
        pieces = self._windows_before(moment)
        left = timedelta(minutes=minutes)
        last_open = None
        for begin, end in pieces:
            last_open = last_open or end
            if end - begin >= left:
                start = end - left
                break
            left -= end - begin
        else:
            return None
        if last_open < moment.astimezone(UTC):
            return Cutoff(start, inclusive=True)
        if start > begin:
            return Cutoff(start, inclusive=False)
        previous = next(pieces, None)
        return Cutoff(previous[1], inclusive=False) if previous else None
