"""Writing, editing, moderating and deleting reviews, with the side effects each one has."""

from __future__ import annotations

from dataclasses import dataclass

from flask import url_for

from storefront import Scope, Upload, User, db, notify_staff, save_uploads, utcnow
from storefront import lazy_gettext as _l

from .models import Review, ReviewPhoto
from .photos import PURPOSE, settle_photos, uploads_of
from .rules import hold_reason, refresh_summary

MAX_PHOTOS = 6


@dataclass(frozen=True)
class ReviewText:
    """What the shopper wrote, from the page's form or the API's body alike."""

    stars: int
    title: str
    body: str
    answers: dict[str, str]

    @classmethod
    def of_form(cls, form, answers: dict[str, str]) -> ReviewText:
        return cls(int(form.stars.data), form.title.data, form.body.data or "", answers)


def photo_room(review: Review) -> int:
    """How many more photos the review may take."""
    return MAX_PHOTOS - len(review.photos or [])


def store_photos(files, review: Review, user: User, scope: Scope) -> list[Upload]:
    """The form's pictures, stored all-or-nothing (UploadError propagates)."""
    if not files:
        return []
    return save_uploads(files, scope.merchant, user, PURPOSE, False, photo_room(review))


def save_review(review: Review, text: ReviewText, uploads: list[Upload], scope: Scope) -> Review:
    """Create or update with the new photos (stored or claimed uploads, not yet public)."""
    settings = scope.settings("reviews")
    db.session.flush()  # the uploads' ids
    was_published = review.status == "published"
    review.stars = text.stars
    review.title = text.title.strip()
    review.body = text.body.strip()
    review.answers = text.answers
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


def set_reply(review: Review, reply: str | None) -> None:
    """The shop's public reply (empty removes it); its time is when it last changed."""
    reply = (reply or "").strip() or None
    if reply != review.reply:
        review.reply, review.replied_at = reply, utcnow() if reply else None
    settle_photos(uploads_of(review))  # every write of a review ends here


def delete_review(review: Review) -> None:
    product_id, merchant_id = review.product_id, review.merchant_id
    uploads = uploads_of(review)
    db.session.delete(review)
    db.session.flush()
    settle_photos(uploads)  # no longer served, and the files go with the commit
    refresh_summary(product_id, merchant_id)
