"""Numbers from URLs, query strings and forms, parsed once for every route of core and plugins.

Row ids are INTEGER columns: 32 bits on PostgreSQL, and kept to the same range on SQLite
so that both databases answer a hostile id the same way (not found) instead of one of
them overflowing in its driver. Only ASCII digits count: `str.isdigit()` also accepts
"²" and "١", which `int()` then refuses or reads as something else.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import request
from flask_babel import lazy_gettext as _l
from werkzeug.routing import BaseConverter, ValidationError
from wtforms.validators import ValidationError as FieldError

MAX_ID = 2**31 - 1
MAX_PAGE = 10_000
ASCII_DIGITS = frozenset("0123456789")
# Times a shop records: parcels, events, deadlines. Far wider than any real one, narrow
# enough that converting between time zones never leaves Python's or a database's range.
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
LATEST = datetime(2100, 1, 1, tzinfo=UTC)


def whole_number(raw: Any, low: int = 0, high: int = MAX_ID) -> int | None:
    """`raw` as an int from `low` to `high`, or None: ASCII digits only, no sign, no spaces."""
    if not isinstance(raw, str) or not raw or len(raw) > 10 or not set(raw) <= ASCII_DIGITS:
        return None
    value = int(raw)
    return value if low <= value <= high else None


def parse_id(raw: Any) -> int | None:
    """A row id (1 to MAX_ID), or None for anything else."""
    if isinstance(raw, int) and not isinstance(raw, bool):
        return raw if 0 < raw <= MAX_ID else None
    return whole_number(raw, 1, MAX_ID)


def page_number(argument: str = "page", last: int = MAX_PAGE) -> int:
    """The page a paged list should show: 1 for junk, at most `last` (OFFSET stays small)."""
    raw = request.args.get(argument, "")
    if not raw or not set(raw) <= ASCII_DIGITS:
        return 1
    # a number past the end (however long) asks for the end, not for the first page
    value = MAX_PAGE if len(raw) > len(str(MAX_PAGE)) else max(int(raw), 1)
    return min(value, MAX_PAGE, max(last, 1))


def utc_time(value: Any) -> datetime | None:
    """An ISO 8601 time as aware UTC (naive means UTC), within EARLIEST..LATEST; else None."""
    if not isinstance(value, str) or not value or len(value) > 64:
        return None
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        parsed = (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).astimezone(UTC)
    except (ValueError, OverflowError):
        return None
    return parsed if EARLIEST <= parsed < LATEST else None


class WithinStoredTimes:
    """A form validator: the field's time lies between EARLIEST and LATEST (naive = UTC)."""

    def __call__(self, form: Any, field: Any) -> None:
        if field.data is None:
            return
        when = field.data if field.data.tzinfo else field.data.replace(tzinfo=UTC)
        if not EARLIEST <= when < LATEST:
            raise FieldError(_l("Choose a time between 2000 and 2099."))


def _numbers_up_to(high: int) -> str:
    """A regex of the decimal numbers 1..`high`, without leading zeros."""
    digits = str(high)
    width = len(digits)
    parts = [f"[1-9][0-9]{{0,{width - 2}}}"] if width > 1 else []
    for i, digit in enumerate(digits):
        low = 1 if i == 0 else 0
        if int(digit) > low:  # a smaller digit here, then any digits
            parts.append(f"{digits[:i]}[{low}-{int(digit) - 1}][0-9]{{{width - i - 1}}}")
    parts.append(digits)
    return "(?:" + "|".join(parts) + ")"


class IdConverter(BaseConverter):
    """`<int:...>` in every route: ASCII digits in the id range, else the route does not match.

    The range is in the regex, so the router itself passes over other numbers: a converter
    refusing a value after the path matched made werkzeug answer 405 wherever another
    method shares the path (PUT and DELETE of one cart line), not 404.
    """

    regex = _numbers_up_to(MAX_ID)
    weight = 50
    part_isolating = True

    def to_python(self, value: str) -> int:
        ident = parse_id(value)
        if ident is None:
            raise ValidationError()
        return ident

    def to_url(self, value: Any) -> str:
        return str(int(value))
