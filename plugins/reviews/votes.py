"""Helpful votes: one per shopper and review, counted once each however they arrive.

The vote row and the counter change in the database itself, not in Python: twenty shoppers
voting at the same moment from several server processes must add twenty, and one shopper
clicking ten times at once must add one (the unique vote row decides, not a read before).
"""

from __future__ import annotations

from flask import abort
from sqlalchemy import update

from storefront import acts_on, db, insert_once, tenant_get

from .models import Review, ReviewVote


def votable_review(review_id: int) -> Review:
    """A published review of a product where reviews are on, or 404."""
    review = tenant_get(Review, review_id)
    if review.status != "published":
        abort(404)
    acts_on(review, "reviews")
    return review


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


def may_vote(review: Review, user_id: int) -> bool:
    """Nobody finds their own review helpful: such a vote is not counted."""
    return review.user_id != user_id
