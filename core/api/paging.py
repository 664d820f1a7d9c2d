"""Cursor pagination: a client asks for the next page with the cursor of the last one.

Cursors are keyset positions (the last row's sort key), so a page never repeats or skips
rows when new ones arrive between requests, and a deep page costs what the first does.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Sequence
from typing import Any, Generic, TypeVar

from flask_babel import gettext as _
from pydantic import BaseModel, Field
from sqlalchemy import Select, tuple_

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
