"""Dashboard figures, each one aggregate query over the shop's published reviews."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from storefront import Product, db, utcnow

from .models import Review, ReviewSummary

WINDOW = timedelta(days=30)


def cards(merchant, scope) -> dict:
    now = utcnow()
    recent = Review.created_at >= now - WINDOW
    before = (Review.created_at < now - WINDOW) & (Review.created_at >= now - 2 * WINDOW)
    published = (Review.merchant_id == merchant.id) & (Review.status == "published")
    threshold = int(scope.settings("reviews").get("alert_threshold") or 2)
    row = db.session.execute(
        select(
            func.avg(Review.stars).filter(recent),
            func.avg(Review.stars).filter(before),
            func.count(Review.id).filter(
                Review.stars <= threshold, Review.reply.is_(None), Review.follow_up != "resolved"
            ),
        ).where(published)
    ).one()
    overall = ReviewSummary.total * 1.0 / ReviewSummary.count
    falling = db.session.execute(
        select(Product.name, Product.slug, func.avg(Review.stars), overall)
        .join(Product, Product.id == Review.product_id)
        .join(ReviewSummary, ReviewSummary.product_id == Review.product_id)
        .where(published, recent, ReviewSummary.count > 0)
        .group_by(Product.id, Product.name, Product.slug, ReviewSummary.total, ReviewSummary.count)
        .having(func.count(Review.id) >= 3, func.avg(Review.stars) <= overall - 0.5)
        .order_by(func.avg(Review.stars) - overall)
        .limit(3)
    ).all()
    return {
        "average_now": round(float(row[0]), 1) if row[0] is not None else None,
        "average_before": round(float(row[1]), 1) if row[1] is not None else None,
        "unanswered_negative": row[2],
        "falling": falling,
    }
