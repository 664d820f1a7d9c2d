"""Writing a row exactly once when parallel requests race to write it (votes, claims).

A read-then-insert lets two processes both see "not there" and both insert; the unique
key has to decide. PostgreSQL and SQLite do that with INSERT ... ON CONFLICT DO NOTHING;
other databases get a savepoint around the insert.
"""

from __future__ import annotations

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError

from .extensions import db

DIALECT_INSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


def insert_once(table: Table, **values) -> bool:
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
