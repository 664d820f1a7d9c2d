"""Votes on FAQ answers: one per answer and voter, counted once each however they arrive.

The vote row and the counters change in the database itself, not in Python: twenty shoppers
voting at the same moment from several server processes must add twenty, and one browser
clicking ten times at once must add one (the unique vote row decides, not a read before).
"""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError

from storefront import db

from .models import FaqEntry, FaqVote

DIALECT_INSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


def insert_once(table, **values) -> bool:
    """Insert the row unless its unique key is taken (also by a request not yet committed).

    True when this call added it. PostgreSQL waits for a parallel insert of the same key
    and then does nothing; SQLite lets one writer in at a time.
    """
    dialect_insert = DIALECT_INSERTS.get(db.session.get_bind().dialect.name)
    if dialect_insert is not None:
        statement = (
            dialect_insert(table).values(**values).on_conflict_do_nothing().returning(table.c.id)
        )
        # A row back means this call added it (rowcount is not told when RETURNING is used).
        return db.session.execute(statement).first() is not None
    try:
        with db.session.begin_nested():
            db.session.execute(table.insert().values(**values))
    except IntegrityError:
        return False
    return True


def record_vote(entry: FaqEntry, voter: str, helpful: bool) -> bool:
    """Count the voter once; False when they had rated the answer already."""
    if not insert_once(FaqVote.__table__, entry_id=entry.id, voter=voter, helpful=helpful):
        return False
    counter = FaqEntry.helpful if helpful else FaqEntry.not_helpful
    db.session.execute(
        update(FaqEntry)
        .where(FaqEntry.id == entry.id)
        .values({counter: counter + 1})
        .execution_options(synchronize_session=False)
    )
    db.session.expire(entry, ["helpful", "not_helpful", "updated_at"])
    return True
