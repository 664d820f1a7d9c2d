"""Throw-away databases for one benchmark, so runs never collide with each other or with data.

SQLite gets a file in a temporary folder. PostgreSQL gets a schema of its own inside the
database the caller named (via `search_path`), so the product-page, throughput and scale
benchmarks can seed the same shop names side by side in one run, and dropping the schema
afterwards removes exactly what the benchmark made and nothing else.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL, make_url


def psycopg_url(url: str) -> URL:
    """The URL with the driver Storefront uses (`postgres://` and `postgresql://` accepted)."""
    parsed = make_url(url)
    if parsed.drivername in ("postgres", "postgresql"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


@contextmanager
def postgres_schema(url: str, schema: str) -> Iterator[str]:
    """A fresh schema in the given database; yields a URL whose connections only see it."""
    base = psycopg_url(url)
    admin = create_engine(base)
    try:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        scoped = base.update_query_dict({"options": f"-csearch_path={schema}"})
        yield scoped.render_as_string(hide_password=False)
    finally:
        with admin.begin() as conn:
            conn.execute(text("SET lock_timeout = '10s'"))
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


def analyze(db) -> None:
    """Give PostgreSQL's planner statistics for the rows just bulk-inserted.

    A production database has them (autovacuum runs ANALYZE); without them, straight after
    seeding, the planner guesses and the timings describe the guess, not the schema.
    """
    if db.engine.dialect.name != "postgresql":
        return
    with db.engine.connect() as conn:
        conn.execution_options(isolation_level="AUTOCOMMIT")
        for table in db.metadata.sorted_tables:
            conn.execute(text(f'ANALYZE "{table.name}"'))


@contextmanager
def database(postgres_url: str | None, name: str) -> Iterator[tuple[str, str]]:
    """Yield (instance folder, database URL): SQLite in the folder, or a PostgreSQL schema."""
    folder = tempfile.mkdtemp(prefix=f"storefront-{name}-")
    try:
        if postgres_url is None:
            yield folder, f"sqlite:///{folder}/{name}.sqlite3"
        else:
            with postgres_schema(postgres_url, f"bench_{name}") as url:
                yield folder, url
    finally:
        shutil.rmtree(folder, ignore_errors=True)
