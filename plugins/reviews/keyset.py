"""Cursor pages in the reviews' own orders: the product page's sorts, queues by time.

`storefront.api.keyset` walks plain columns in one direction. The review sorts order by
time and mix directions ("lowest": fewest stars, newest first among them), so the bound of
a page is spelled out here: after (A, B, C) means a > A, or a = A and b > B, or a = A and
b = B and c > C, each comparison in its own key's direction, which the index of each sort
reads in order. Times travel in the cursor as ISO text.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import DateTime, Select, and_, or_
from sqlalchemy.sql import operators
from sqlalchemy.sql.elements import ColumnElement, UnaryExpression

from storefront import db, gettext
from storefront.api import ApiError, PageQuery, decode_cursor, encode_cursor


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
    values = decode_cursor(cursor, len(order))
    bound = [_parsed(v, _kind(c.element)) for c, v in zip(order, values, strict=True)]
    if any(value is None for value in bound):
        raise ApiError(
            400, gettext("This cursor is not one we gave out."), "cursor", code="invalid"
        )
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
        cursor = encode_cursor([_cursor_value(v) for v in position(rows[-1])])
    return rows, cursor
