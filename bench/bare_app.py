"""A hand-written Flask app: the floor the Storefront pages are measured against.

`DATABASE_URL=... gunicorn bench.bare_app:app` serves one route, `/p/<slug>`, that loads a
product and its variants through SQLAlchemy and renders them with one small template. No
plugins, tenancy, sessions, CSRF or security headers: what any Flask shop would pay at
least. It maps the same Storefront models with the same engine options, so the ratio
against the real page measures the framework's work, not a different query or pool.
"""

from __future__ import annotations

import os

from flask import Flask, abort, render_template_string
from sqlalchemy import Engine, create_engine, select
from sqlalchemy.orm import Session, selectinload

from storefront.models import Product

from .pages import BARE_TEMPLATE
from .scratch import psycopg_url


def make_engine(url: str) -> Engine:
    """Storefront's engine options (`pool_pre_ping`), so both sides talk to the DB alike."""
    return create_engine(psycopg_url(url), pool_pre_ping=True)


def create_bare_app(url: str) -> Flask:
    """One view, one query with its `selectinload`, one template."""
    bare = Flask("bare")
    engine = make_engine(url)

    @bare.route("/p/<slug>")
    def product(slug: str) -> str:
        with Session(engine) as session:
            found = session.scalar(
                select(Product)
                .where(Product.slug == slug, Product.active.is_(True))
                .options(selectinload(Product.variants))
            )
            if found is None:
                abort(404)
            return render_template_string(BARE_TEMPLATE, p=found)

    return bare


app = create_bare_app(os.environ["DATABASE_URL"]) if os.environ.get("DATABASE_URL") else None
