"""Helpful votes: one per shopper and review, counted once each however they arrive.

The vote row and the counter change in the database itself, not in Python: twenty shoppers
voting at the same moment from several server processes must add twenty, and one shopper
clicking ten times at once must add one (the unique vote row decides, not a read before).
"""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError

from storefront import db

from .models import Review, ReviewVote

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


def vote_helpful(review: Review, voter: str) -> bool:
    """Count the voter once; False when they had voted already (nothing changes then)."""
    if not insert_once(ReviewVote.__table__, review_id=review.id, voter=voter):
        return False
    db.session.execute(
        update(Review)
        .where(Review.id == review.id)
        .values(helpful_count=Review.helpful_count + 1)
        .execution_options(synchronize_session=False)
    )
    db.session.expire(review, ["helpful_count", "updated_at"])
    return True
