"""Dashboard figures, each a bounded read however many reviews the shop has.

The card used to aggregate every published review of the shop twice per visit (40 ms each
at 100,000 reviews). Now the averages read at most SAMPLE reviews per window through
ix_reviews_queue, the bad reviews still to answer are counted through ix_reviews_follow_up
up to COUNT_CAP, and a product's overall rating comes from its summary row.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Row, ScalarSelect, Subquery, func, select

from storefront import Merchant, Product, db, utcnow

from .models import OUTSTANDING_FOLLOW_UPS, Review, ReviewSummary
from .queries import COUNT_CAP, at_or_below_alert, capped_count

WINDOW = timedelta(days=30)
# The newest reviews of a window its figures are taken from. A shop with fewer in 30 days
# (nearly every shop) gets exactly the figures it always did; for the busiest, the latest
# thousand reviews say as much about the trend, at the same cost at any size.
SAMPLE = 1000


def cards(merchant: Merchant) -> dict:
    now = utcnow()
    recent = newest(merchant.id, now - WINDOW)
    before = newest(merchant.id, now - 2 * WINDOW, now - WINDOW)
    average_now, average_before, unanswered = db.session.execute(
        select(average(recent), average(before), unanswered_negative(merchant))
    ).one()
    return {
        "average_now": rounded(average_now),
        "average_before": rounded(average_before),
        "unanswered_negative": unanswered,
        "count_cap": COUNT_CAP,
        "falling": falling(recent),
    }


def newest(merchant_id: int, start: datetime, end: datetime | None = None) -> Subquery:
    """(product_id, stars) of the shop's newest SAMPLE published reviews since `start`.

    Read backwards along ix_reviews_queue (merchant, status, created_at) and stopped after
    SAMPLE rows, instead of every review in the window.
    """
    query = select(Review.product_id, Review.stars).where(
        Review.merchant_id == merchant_id,
        Review.status == "published",
        Review.created_at >= start,
    )
    if end is not None:
        query = query.where(Review.created_at < end)
    return query.order_by(Review.created_at.desc()).limit(SAMPLE).subquery()


def average(sample: Subquery) -> ScalarSelect:
    return select(func.avg(sample.c.stars)).scalar_subquery()


def rounded(value) -> float | None:
    """PostgreSQL's AVG is a Decimal, SQLite's a float; None when the window had no review."""
    return round(float(value), 1) if value is not None else None


def unanswered_negative(merchant: Merchant) -> ScalarSelect:
    """Published bad reviews with neither a reply nor a resolved follow-up, up to COUNT_CAP + 1.

    Only reviews with an outstanding follow-up can count (as before: SQL's `!= 'resolved'`
    left out NULL too), so ix_reviews_follow_up finds them without reading the others.
    """
    return capped_count(
        select(Review.id).where(
            Review.merchant_id == merchant.id,
            Review.follow_up.in_(OUTSTANDING_FOLLOW_UPS),
            at_or_below_alert(merchant),
            Review.status == "published",
            Review.reply.is_(None),
        )
    )


def falling(recent: Subquery) -> list[Row]:
    """Up to 3 products whose recent average is half a star or more below their overall one.

    "Recent" is the reviews of the sample (at least 3 of the product); "overall" is the
    product's summary row, not an aggregate over its reviews.
    """
    overall = ReviewSummary.total * 1.0 / ReviewSummary.count
    recent_average = func.avg(recent.c.stars)
    return db.session.execute(
        select(Product.name, Product.slug, recent_average, overall)
        .select_from(recent)
        .join(Product, Product.id == recent.c.product_id)
        .join(ReviewSummary, ReviewSummary.product_id == recent.c.product_id)
        .where(ReviewSummary.count > 0)
        .group_by(Product.id, Product.name, Product.slug, ReviewSummary.total, ReviewSummary.count)
        .having(func.count() >= 3, recent_average <= overall - 0.5)
        .order_by(recent_average - overall)
        .limit(3)
    ).all()
