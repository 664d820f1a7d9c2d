"""Cursor pagination: a client asks for the next page with the cursor of the last one.

Cursors are keyset positions (the last row's sort key), so a page never repeats or skips
rows when new ones arrive between requests, and a deep page costs what the first does.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any, Generic, TypeVar

from flask_babel import gettext as _
from pydantic import BaseModel, Field
from sqlalchemy import DateTime, Select, and_, or_, tuple_
from sqlalchemy.sql import operators
from sqlalchemy.sql.elements import ColumnElement, UnaryExpression

from ..extensions import db
from .errors import ApiError

T = TypeVar("T")


class PageQuery(BaseModel):
    cursor: str | None = Field(None, max_length=200, description="`next_cursor` of the last page")
    limit: int = Field(20, ge=1, le=100)


class Page(BaseModel, Generic[T]):
    items: list[T]
    next_cursor: str | None = Field(None, description="Pass as `cursor` for the next page")


def encode(values: Sequence[Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(list(values)).encode()).decode().rstrip("=")


def decode(cursor: str, width: int) -> list[Any]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, UnicodeError):
        values = None
    if (
        not isinstance(values, list)
        or len(values) != width
        or not all(isinstance(v, int | str) and not isinstance(v, bool) for v in values)
    ):
        raise ApiError(400, _("This cursor is not one we gave out."), "cursor", code="invalid")
    return values


def keyset(
    query: Select, columns: Sequence[Any], page: PageQuery, descending: bool = True
) -> tuple[list[Any], str | None]:
    """One page of `query` ordered by `columns` (unique together, e.g. (created_at, id)).

    Cursor values are ints or strings; give date columns as their id's stand-in or a string.
    """
    key = tuple_(*columns) if len(columns) > 1 else columns[0]
    if page.cursor:
        after = decode(page.cursor, len(columns))
        bound = tuple_(*after) if len(columns) > 1 else after[0]
        query = query.where(key < bound if descending else key > bound)
    order = [c.desc() if descending else c.asc() for c in columns]
    rows = list(db.session.scalars(query.order_by(*order).limit(page.limit + 1)))
    more = len(rows) > page.limit
    rows = rows[: page.limit]
    cursor = None
    if more and rows:
        last = rows[-1]
        cursor = encode([getattr(last, c.key) for c in columns])
    return rows, cursor


# Orders of computed keys, times and mixed directions (help order, "lowest stars, newest
# first"): the bound of a page is spelled out, after (A, B, C) meaning a > A, or a = A and
# b > B, or a = A and b = B and c > C, each in its own key's direction. Times travel in
# the cursor as ISO text.


def _descending(clause: UnaryExpression) -> bool:
    return clause.modifier is operators.desc_op


def _kind(element: ColumnElement) -> type:
    """What a key's values are: a time, a whole number or text."""
    kind = element.type
    if isinstance(getattr(kind, "impl", kind), DateTime):
        return datetime
    return kind.python_type


def _cursor_value(value: Any) -> int | str:
    return value.isoformat() if isinstance(value, datetime) else value


def _parsed(value: int | str, kind: type) -> Any:
    """A cursor's value as its key's type; None when it could not come from us."""
    if kind is datetime:
        try:
            when = datetime.fromisoformat(value) if isinstance(value, str) else None
        except ValueError:
            return None
        return when if when is not None and when.tzinfo is not None else None
    return value if isinstance(value, kind) else None


def _bound(cursor: str, order: Sequence[UnaryExpression]) -> list[Any]:
    values = decode(cursor, len(order))
    bound = [_parsed(v, _kind(c.element)) for c, v in zip(order, values, strict=True)]
    if any(value is None for value in bound):
        raise ApiError(400, _("This cursor is not one we gave out."), "cursor", code="invalid")
    return bound


def _after(order: Sequence[UnaryExpression], bound: list[Any]) -> ColumnElement[bool]:
    ways = []
    for i, clause in enumerate(order):
        column = clause.element
        step = column < bound[i] if _descending(clause) else column > bound[i]
        ties = [o.element == v for o, v in zip(order[:i], bound[:i], strict=True)]
        ways.append(and_(*ties, step))
    return or_(*ways)


def keyset_page(
    query: Select,
    order: Sequence[UnaryExpression],
    position: Callable[[Any], Sequence[Any]],
    page: PageQuery,
) -> tuple[list[Any], str | None]:
    """One page of `query` in `order` (ending in a unique key) after `page.cursor`.

    `position(row)` gives the row's values of `order`, the cursor of the next page.
    """
    if page.cursor:
        query = query.where(_after(order, _bound(page.cursor, order)))
    found = db.session.scalars(query.order_by(None).order_by(*order).limit(page.limit + 1))
    rows = list(found.unique())
    cursor = None
    if len(rows) > page.limit:
        rows = rows[: page.limit]
        cursor = encode([_cursor_value(v) for v in position(rows[-1])])
    return rows, cursor
