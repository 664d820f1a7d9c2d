"""Reviews as JSON: a product's summary and reviews, writing with photos, votes, moderation.

Every endpoint about a product or a review acts only where reviews are on for it
(`acts_on`, a JSON 404 elsewhere); a shopper's own reviews stay readable after reviews are
switched off (`@record_view`). The rules are the pages' own: writing, moderating and
replying go through `writing.py`, whose every path ends with `settle_photos`, so a photo is
public exactly while its review is published.
"""

from __future__ import annotations

from flask import g
from flask_login import current_user
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from storefront import (
    Product,
    Scope,
    acts_on,
    db,
    gettext,
    limiter,
    ngettext,
    record_view,
    tenant_get,
    tenant_select,
)
from storefront.api import (
    ApiBlueprint,
    ApiError,
    ErrorBody,
    Message,
    PageQuery,
    answers,
    api_spec,
    claim_uploads,
    image_out,
    key_required,
    keyset_page,
    product_by_slug,
    shopper_required,
)

from .api_schemas import (
    ReviewAnswerCount,
    ReviewAnswerOut,
    ReviewCreate,
    ReviewIn,
    ReviewListPage,
    ReviewListQuery,
    ReviewModeration,
    ReviewOut,
    ReviewOwnOut,
    ReviewOwnPage,
    ReviewProductRef,
    ReviewQuestionSummary,
    ReviewQueueQuery,
    ReviewReplyIn,
    ReviewStaffOut,
    ReviewStaffPage,
    ReviewSummaryOut,
    ReviewVoteOut,
)
from .models import Review, ReviewSummary
from .photos import PURPOSE
from .queries import MINE_ORDER, SORTS, published_reviews, reviews_of, summary_of
from .questions import (
    answer_label,
    question_label,
    questions_for,
    refused_answer,
    summary_lines,
)
from .rules import editable, own_review, reviewable_item, unreviewed_items
from .votes import may_vote, votable_review, vote_helpful
from .writing import (
    ReviewText,
    delete_review,
    photo_room,
    save_review,
    set_reply,
    set_status,
)

reviews_api = ApiBlueprint("reviews_api", __name__, url_prefix="/shops/<merchant>")

SHOPPER = {"shopper": []}
MERCHANT = {"merchant": []}


def summary_out(product: Product, summary: ReviewSummary | None) -> ReviewSummaryOut:
    """The product's summary row as figures; a product nobody reviewed yet has zeros."""
    counts = (summary.answers if summary else None) or {}
    histogram = (summary.histogram if summary else None) or {}
    return ReviewSummaryOut(
        average=summary.average if summary else 0.0,
        count=summary.count if summary else 0,
        histogram={str(n): histogram.get(str(n), 0) for n in range(1, 6)},
        with_photos=summary.with_photos if summary else 0,
        fit=summary_lines(counts),
        questions=[
            ReviewQuestionSummary(
                question=key,
                label=str(label),
                answers=[
                    ReviewAnswerCount(
                        answer=code, label=str(text), count=counts.get(key, {}).get(code, 0)
                    )
                    for code, text in options
                ],
            )
            for key, label, options in questions_for(product.category.kind)
        ],
    )


def review_out(review: Review, model: type[ReviewOut] = ReviewOut, **extra) -> ReviewOut:
    return model(
        id=review.id,
        stars=review.stars,
        title=review.title,
        text=review.body,
        answers=[
            ReviewAnswerOut(
                question=key,
                label=question_label(key),
                answer=value,
                answer_label=answer_label(key, value),
            )
            for key, value in (review.answers or {}).items()
        ],
        photos=[image_out(photo.upload, review.title) for photo in review.photos],
        author=review.user.name,
        helpful=review.helpful_count,
        reply=review.reply,
        replied_at=review.replied_at,
        created_at=review.created_at,
        **extra,
    )


def own_out(review: Review, model: type[ReviewOwnOut] = ReviewOwnOut, **extra) -> ReviewOwnOut:
    return review_out(
        review,
        model,
        status=review.status,
        product=ReviewProductRef(slug=review.product.slug, name=review.product.name),
        order_item_id=review.order_item_id,
        editable=editable(review),
        **extra,
    )


def staff_out(review: Review) -> ReviewStaffOut:
    return own_out(
        review, ReviewStaffOut, hold_reason=review.hold_reason, follow_up=review.follow_up
    )


@reviews_api.get("/products/<product_slug>/reviews/summary")
@api_spec.validate(resp=answers(HTTP_200=ReviewSummaryOut), tags=["reviews"])
def summary(product_slug: str):
    """Average stars, the count per rating, and what buyers say about fit and feel."""
    product = product_by_slug(product_slug)
    acts_on(product, "reviews")
    return summary_out(product, summary_of(product))


@reviews_api.get("/products/<product_slug>/reviews")
@api_spec.validate(query=ReviewListQuery, resp=answers(HTTP_200=ReviewListPage), tags=["reviews"])
def product_reviews(product_slug: str, query: ReviewListQuery):
    """Published reviews in one of the page's sorts, by cursor.

    Every sort is a keyset in the order its index keeps, so a deep page costs what the
    first does. "helpful" orders by a count that votes move: a review voted up between two
    pages may show twice or not at all, as on any list ranked live.
    """
    product = product_by_slug(product_slug)
    acts_on(product, "reviews")
    order = SORTS[query.sort]
    rows, cursor = keyset_page(
        published_reviews(product, query.stars, query.photos),
        order,
        lambda r: [getattr(r, clause.element.key) for clause in order],
        query,
    )
    return ReviewListPage(items=[review_out(r) for r in rows], next_cursor=cursor)


def _not_verified(field: str | None = None) -> ApiError:
    return ApiError(
        403,
        gettext("Only shoppers who received this product can review it."),
        field,
        code="not_verified",
    )


def _already_reviewed() -> ApiError:
    return ApiError(
        409,
        gettext("You have reviewed this already; change your review instead."),
        code="already_reviewed",
    )


def _item_to_review(product: Product, order_item_id: int | None):
    """The bought item the new review is of: the one named, else the oldest unreviewed."""
    bought, waiting = unreviewed_items(current_user.id, product.id, g.merchant.id)
    if not bought:
        raise _not_verified()
    if order_item_id is None:
        if not waiting:
            raise _already_reviewed()
        return waiting[0]
    item = reviewable_item(current_user.id, order_item_id, g.merchant.id)
    if item is None or item.product_id != product.id:
        raise _not_verified("order_item_id")
    if item not in waiting:
        raise _already_reviewed()
    return item


def _saved(review: Review, body: ReviewIn, kind: str, scope: Scope) -> Review:
    """Check the answers and photos, then save as the page does (photos settled with it)."""
    refused = refused_answer(kind, body.answers)
    if refused is not None:
        raise ApiError(
            400, gettext("Choose one of the answers offered."), f"answers.{refused}", "invalid"
        )
    room = photo_room(review)
    if len(set(body.photos)) > room:
        raise ApiError(
            400,
            ngettext(
                "This review can take %(num)d more photo.",
                "This review can take %(num)d more photos.",
                room,
            ),
            "photos",
            "invalid",
        )
    uploads = claim_uploads(body.photos, PURPOSE)
    text = ReviewText(body.stars, body.title, body.text, body.answers)
    try:
        save_review(review, text, uploads, scope)
        db.session.commit()
    except IntegrityError as error:  # the same item reviewed at the same moment elsewhere
        db.session.rollback()
        raise _already_reviewed() from error
    return review


@reviews_api.post("/products/<product_slug>/reviews")
@shopper_required
@api_spec.validate(
    json=ReviewCreate,
    resp=answers(HTTP_201=ReviewOwnOut, HTTP_401=ErrorBody, HTTP_403=ErrorBody, HTTP_409=ErrorBody),
    tags=["reviews"],
    security=SHOPPER,
)
def write(product_slug: str, json: ReviewCreate):
    """Review a product you received (a completed order's item), with photos by token.

    It is online at once, or `pending` until the shop has read it (the shop's rules).
    """
    product = product_by_slug(product_slug)
    acts_on(product, "reviews")
    item = _item_to_review(product, json.order_item_id)
    scope = acts_on(item, "reviews")
    review = Review(
        merchant_id=g.merchant.id,
        product_id=product.id,
        order_item_id=item.id,
        user_id=current_user.id,
    )
    return own_out(_saved(review, json, product.category.kind, scope)), 201


@reviews_api.post("/reviews/<int:review_id>/helpful")
@limiter.limit("30 per minute")
@shopper_required
@api_spec.validate(
    resp=answers(HTTP_200=ReviewVoteOut, HTTP_401=ErrorBody), tags=["reviews"], security=SHOPPER
)
def helpful(review_id: int):
    """Found this review helpful: counted once per shopper, never for one's own review."""
    review = votable_review(review_id)
    counted = may_vote(review, current_user.id) and vote_helpful(review, f"u:{current_user.id}")
    db.session.commit()
    return ReviewVoteOut(counted=counted, helpful=review.helpful_count)


@reviews_api.get("/me/reviews")
@record_view
@shopper_required
@api_spec.validate(
    query=PageQuery,
    resp=answers(HTTP_200=ReviewOwnPage, HTTP_401=ErrorBody),
    tags=["reviews"],
    security=SHOPPER,
)
def my_reviews(query: PageQuery):
    """Your reviews in this shop, newest first, with their photos and status."""
    rows, cursor = keyset_page(
        reviews_of(current_user.id), MINE_ORDER, lambda r: [r.created_at, r.id], query
    )
    return ReviewOwnPage(items=[own_out(r) for r in rows], next_cursor=cursor)


@reviews_api.put("/me/reviews/<int:review_id>")
@shopper_required
@api_spec.validate(
    json=ReviewIn,
    resp=answers(HTTP_200=ReviewOwnOut, HTTP_401=ErrorBody, HTTP_409=ErrorBody),
    tags=["reviews"],
    security=SHOPPER,
)
def edit(review_id: int, json: ReviewIn):
    """Change your review within 30 days; `photos` are added to those it has."""
    review = own_review(review_id, current_user.id)
    scope = acts_on(review, "reviews")
    if not editable(review):
        raise ApiError(
            409,
            gettext("Reviews can be changed for 30 days; this one can only be deleted."),
            code="not_editable",
        )
    return own_out(_saved(review, json, review.product.category.kind, scope))


@reviews_api.delete("/me/reviews/<int:review_id>")
@shopper_required
@api_spec.validate(
    resp=answers(HTTP_200=Message, HTTP_401=ErrorBody), tags=["reviews"], security=SHOPPER
)
def delete(review_id: int):
    """Delete your review and its photos."""
    review = own_review(review_id, current_user.id)
    acts_on(review, "reviews")
    delete_review(review)
    db.session.commit()
    return Message(message=gettext("Your review was deleted."))


def _queue_order(status: str):
    """Waiting reviews oldest first, as they wait; the others newest first (the admin's tabs)."""
    if status == "pending":
        return [Review.created_at.asc(), Review.id.asc()]
    return [Review.created_at.desc(), Review.id.desc()]


@reviews_api.get("/admin/reviews")
@key_required("reviews:write")
@api_spec.validate(
    query=ReviewQueueQuery,
    resp=answers(HTTP_200=ReviewStaffPage, HTTP_401=ErrorBody, HTTP_403=ErrorBody),
    tags=["reviews"],
    security=MERCHANT,
)
def queue(query: ReviewQueueQuery):
    """The shop's reviews of one status, pending by default."""
    found = (
        tenant_select(Review)
        .where(Review.status == query.status)
        .options(
            selectinload(Review.product), selectinload(Review.user), selectinload(Review.photos)
        )
    )
    rows, cursor = keyset_page(
        found, _queue_order(query.status), lambda r: [r.created_at, r.id], query
    )
    return ReviewStaffPage(items=[staff_out(r) for r in rows], next_cursor=cursor)


def staff_answers():
    return answers(HTTP_200=ReviewStaffOut, HTTP_401=ErrorBody, HTTP_403=ErrorBody)


@reviews_api.post("/admin/reviews/<int:review_id>/moderation")
@key_required("reviews:write")
@api_spec.validate(json=ReviewModeration, resp=staff_answers(), tags=["reviews"], security=MERCHANT)
def moderate(review_id: int, json: ReviewModeration):
    """Publish a review (its photos become public) or hide it (they stop being served)."""
    review = tenant_get(Review, review_id)
    set_status(review, "published" if json.action == "publish" else "hidden")
    db.session.commit()
    return staff_out(review)


@reviews_api.post("/admin/reviews/<int:review_id>/reply")
@key_required("reviews:write")
@api_spec.validate(json=ReviewReplyIn, resp=staff_answers(), tags=["reviews"], security=MERCHANT)
def reply(review_id: int, json: ReviewReplyIn):
    """The shop's public reply under the review; an empty text removes it."""
    review = tenant_get(Review, review_id)
    set_reply(review, json.text)
    db.session.commit()
    return staff_out(review)
