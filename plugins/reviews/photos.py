"""Who sees a review's photos: everyone while the review is published, else only a few.

A photo is stored as an `Upload`, served at /uploads/<token> to anyone while its `public`
flag is set, and otherwise only to its owner (the author) and the shop's staff (see
`storefront.uploads.may_view`). The flag is set here and nowhere else: every path that
writes, moderates, imports or deletes a review ends with `settle_photos`, so a pending,
hidden or deleted review's pictures are never served to the public by a guessed or
remembered link. The file of a photo no review uses any more goes once the deletion is
committed.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from sqlalchemy import event, exists, inspect, select

from storefront import Upload, db
from storefront.uploads import upload_dir  # the core's one place for the files

from .models import Review, ReviewPhoto

PURPOSE = "review"
_FILES_TO_REMOVE = "reviews.files_to_remove"


def uploads_of(review: Review) -> list[Upload]:
    return [photo.upload for photo in review.photos]


def settle_photos(uploads: Iterable[Upload]) -> None:
    """Public while a published review shows the photo; gone when no review shows it.

    Call it after the review's status or photos changed (with the review's uploads taken
    before a deletion). An upload can back two reviews (a shop copied inside the same
    installation shares its files), so what counts is every review using it.
    """
    db.session.flush()
    for upload in {u.id: u for u in uploads}.values():
        used = select(ReviewPhoto.id).where(ReviewPhoto.upload_id == upload.id)
        if upload.purpose == PURPOSE and db.session.scalar(used.limit(1)) is None:
            db.session.delete(upload)
            db.session.info.setdefault(_FILES_TO_REMOVE, []).append(
                (upload, upload_dir() / upload.token)
            )
            continue
        upload.public = bool(
            db.session.scalar(
                select(
                    exists().where(
                        ReviewPhoto.upload_id == upload.id,
                        ReviewPhoto.review_id == Review.id,
                        Review.status == "published",
                    )
                )
            )
        )
    db.session.flush()


@event.listens_for(db.session, "after_commit")
def _remove_files(session) -> None:
    """The files of uploads whose deletion was just committed (not of one rolled back)."""
    doomed: list[tuple[Upload, Path]] = session.info.pop(_FILES_TO_REMOVE, [])
    for upload, path in doomed:
        if inspect(upload).was_deleted:
            path.unlink(missing_ok=True)


@event.listens_for(db.session, "after_rollback")
def _keep_files(session) -> None:
    session.info.pop(_FILES_TO_REMOVE, None)
