"""Writing, editing, moderating and deleting reviews, with the side effects each one has."""

from __future__ import annotations

from flask import url_for

from storefront import Scope, db, notify_staff, save_uploads, utcnow
from storefront import lazy_gettext as _l

from .models import Review, ReviewPhoto
from .photos import settle_photos, uploads_of
from .rules import hold_reason, refresh_summary

MAX_PHOTOS = 6


def save_review(review: Review, form, answers: dict, files, user, scope: Scope) -> Review:
    """Create or update; photos are stored all-or-nothing (UploadError propagates)."""
    settings = scope.settings("reviews")
    uploads = (
        save_uploads(
            files, scope.merchant, user, "review", False, MAX_PHOTOS - len(review.photos or [])
        )
        if files
        else []
    )
    db.session.flush()  # the uploads' ids
    was_published = review.status == "published"
    review.stars = int(form.stars.data)
    review.title = form.title.data.strip()
    review.body = (form.body.data or "").strip()
    review.answers = answers
    reason = hold_reason(settings, review.stars, review.title, review.body)
    review.status = "pending" if reason else "published"
    review.hold_reason = reason
    start = len(review.photos or [])
    for position, upload in enumerate(uploads, start=start):
        review.photos.append(ReviewPhoto(upload_id=upload.id, position=position))
    review.photo_count = len(review.photos)
    review.updated_at = utcnow()
    db.session.add(review)
    db.session.flush()
    settle_photos(uploads_of(review))  # public only if the review went online
    if was_published or review.status == "published":
        refresh_summary(review.product_id, review.merchant_id)
    if review.stars <= settings["alert_threshold"] and review.follow_up is None:
        review.follow_up = "open"
        _alert_staff(review, scope)
    return review


def _alert_staff(review: Review, scope: Scope) -> None:
    order = review.order_item.order
    notify_staff(
        scope.merchant,
        _l("%(stars)d-star review of %(product)s", stars=review.stars, product=review.product.name),
        _l("Order %(number)s. Follow up with the shopper today.", number=order.number),
        link=url_for("reviews_admin.detail", merchant=scope.merchant.slug, review_id=review.id),
        kind="reviews.low_rating",
        about=review,
    )


def set_status(review: Review, status: str) -> None:
    if status == review.status:
        return
    review.status = status
    review.hold_reason = None
    db.session.flush()
    settle_photos(uploads_of(review))
    refresh_summary(review.product_id, review.merchant_id)


def delete_review(review: Review) -> None:
    product_id, merchant_id = review.product_id, review.merchant_id
    uploads = uploads_of(review)
    db.session.delete(review)
    db.session.flush()
    settle_photos(uploads)  # no longer served, and the files go with the commit
    refresh_summary(product_id, merchant_id)
