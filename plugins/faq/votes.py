"""Votes on FAQ answers: one per answer and voter, counted once each however they arrive.

The vote row and the counters change in the database itself, not in Python: twenty shoppers
voting at the same moment from several server processes must add twenty, and one browser
clicking ten times at once must add one (the unique vote row decides, not a read before).
"""

from __future__ import annotations

from flask import abort
from sqlalchemy import update

from storefront import acts_on, db, gettext, insert_once, tenant_get

from .models import FaqEntry, FaqVote


def votable_entry(entry_id: int) -> FaqEntry:
    """A published answer the shop offers here, or 404.

    Answers for the whole shop go wherever help does; one about a product or a category
    only where the FAQ is on for it.
    """
    entry = tenant_get(FaqEntry, entry_id)
    if not entry.published:
        abort(404)
    if entry.scope_subject is not None:
        acts_on(entry, "faq")
    return entry


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


def vote_message(counted: bool) -> str:
    """What the voter is told: a repeated vote is answered, not refused."""
    if counted:
        return gettext("Thank you for your feedback.")
    return gettext("You have already rated this answer.")
