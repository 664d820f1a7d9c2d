"""Reading reviews: one product's page of them, summaries for a listing, the admin queue."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from math import ceil

from flask import g
from sqlalchemy import ColumnElement, ScalarSelect, Select, bindparam, false, func, or_, select
from sqlalchemy.orm import joinedload, lazyload, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from storefront import Merchant, Product, db, scope_of, tenant_select

from .models import Review, ReviewPhoto, ReviewSummary

SORTS = {
    "newest": (Review.created_at.desc(), Review.id.desc()),
    "helpful": (Review.helpful_count.desc(), Review.id.desc()),
    "lowest": (Review.stars.asc(), Review.created_at.desc(), Review.id.desc()),
    "highest": (Review.stars.desc(), Review.created_at.desc(), Review.id.desc()),
}
# Admin figures count this far and then show "1000+": past it the exact number changes
# nothing an admin does, and counting it would read every row of the shop's largest tab.
COUNT_CAP = 1000


@dataclass
class ReviewPage:
    reviews: list[Review]
    page: int
    pages: int
    total: int

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1


def summary_of(product) -> ReviewSummary | None:
    """Once per request: the badge, the section and the page's JSON-LD all ask for it.

    The session's identity map holds objects weakly, so it cannot be relied on to spare the
    second query; `g` holds them for the request.
    """
    cache = g.setdefault("review_summaries", {})
    if product.id not in cache:
        cache[product.id] = db.session.get(ReviewSummary, product.id)
    return cache[product.id]


def load_summaries(products) -> None:
    """One query for every badge of a listing page."""
    ids = [p.id for p in products]
    found = (
        {
            s.product_id: s
            for s in db.session.scalars(
                select(ReviewSummary).where(ReviewSummary.product_id.in_(ids))
            )
        }
        if ids
        else {}
    )
    g.review_summaries = {i: found.get(i) for i in ids}


def _published(filter_by: str | None) -> Select:
    """A product's published reviews, of one star rating or with photos (bound parameters)."""
    query = select(Review).where(
        Review.product_id == bindparam("product_id"), Review.status == "published"
    )
    if filter_by == "stars":
        query = query.where(Review.stars == bindparam("stars"))
    elif filter_by == "photos":
        query = query.where(Review.photo_count > 0)
    return query


def published_reviews(product, stars: int | None, photos: bool) -> Select:
    """What `review_page` reads, to be ordered and cut by a cursor instead of an offset."""
    filter_by = "stars" if stars else "photos" if photos else None
    parameters = {"product_id": product.id} | ({"stars": stars} if stars else {})
    return (
        _published(filter_by)
        .options(
            selectinload(Review.photos).joinedload(ReviewPhoto.upload), joinedload(Review.user)
        )
        .params(**parameters)
    )


@functools.cache
def _page_statement(sort: str, filter_by: str | None, load_photos: bool) -> Select:
    """Built once per process and kind of page: building it costs more than running it."""
    query = _published(filter_by)
    photos = (
        selectinload(Review.photos).joinedload(ReviewPhoto.upload)
        if load_photos
        else lazyload(Review.photos)
    )
    return (
        query.options(photos, joinedload(Review.user))
        .order_by(*SORTS[sort])
        .offset(bindparam("offset"))
        .limit(bindparam("limit"))
    )


def review_page(
    product, summary, sort: str, stars: int | None, photos: bool, page: int, per_page: int
) -> ReviewPage:
    """A page of published reviews; totals come from the summary row, not from COUNT(*)."""
    if stars:
        filter_by = "stars"
        total = (summary.histogram or {}).get(str(stars), 0) if summary else 0
    elif photos:
        filter_by = "photos"
        total = summary.with_photos if summary else 0
    else:
        filter_by = None
        total = summary.count if summary else 0
    pages = max(ceil(total / per_page), 1)
    page = min(max(page, 1), pages)
    # Most reviews carry no photo: when the summary says none has, skip that query.
    without_photos = summary is not None and not summary.with_photos
    statement = _page_statement(sort if sort in SORTS else "newest", filter_by, not without_photos)
    parameters = {"product_id": product.id, "offset": (page - 1) * per_page, "limit": per_page}
    if stars:
        parameters["stars"] = stars
    reviews = db.session.scalars(statement, parameters).unique().all()
    if without_photos:
        for review in reviews:
            set_committed_value(review, "photos", [])
    return ReviewPage(list(reviews), page, pages, total)


# A shopper's own reviews, newest first.
MINE_ORDER = (Review.created_at.desc(), Review.id.desc())


def reviews_of(user_id: int) -> Select:
    """The shopper's reviews in this shop, with their products and photos."""
    return (
        tenant_select(Review)
        .where(Review.user_id == user_id)
        .options(selectinload(Review.product), selectinload(Review.photos))
    )


def recent_photos(product, summary=None, limit: int = 8) -> list[ReviewPhoto]:
    if summary is not None and not summary.with_photos:
        return []
    return list(
        db.session.scalars(
            select(ReviewPhoto)
            .join(Review, Review.id == ReviewPhoto.review_id)
            .where(Review.product_id == product.id, Review.status == "published")
            .order_by(ReviewPhoto.id.desc())
            .limit(limit)
        )
    )


def newest_three(product, summary) -> ReviewPage:
    """The product page shows these and puts them in its JSON-LD: read them once."""
    cache = g.setdefault("newest_reviews", {})
    if product.id not in cache:
        cache[product.id] = review_page(product, summary, "newest", None, False, 1, 3)
    return cache[product.id]


def capped_count(query: Select, cap: int = COUNT_CAP) -> ScalarSelect:
    """How many rows `query` selects, reading at most cap + 1 of them (more than cap: "cap+").

    A scalar subquery, so several figures go to the database in one statement.
    """
    return select(func.count()).select_from(query.limit(cap + 1).subquery()).scalar_subquery()


def queue_counts(merchant_id: int) -> dict[str, int]:
    """Reviews per status for the queue's tabs (statuses with none left out), one statement.

    A GROUP BY status read every review of the shop on each visit of the queue. Published,
    nearly all of them, is now added up from the per-product summary rows (exact, one row
    per product); waiting and hidden, the admin's work, are counted in ix_reviews_queue up
    to COUNT_CAP + 1: exact while they are a list to work through, "1000+" beyond.
    """

    def in_status(status: str) -> Select:
        return select(Review.id).where(Review.merchant_id == merchant_id, Review.status == status)

    published = (
        select(func.coalesce(func.sum(ReviewSummary.count), 0))
        .where(ReviewSummary.merchant_id == merchant_id)
        .scalar_subquery()
    )
    pending, published, hidden = db.session.execute(
        select(capped_count(in_status("pending")), published, capped_count(in_status("hidden")))
    ).one()
    counts = {"pending": pending, "published": published, "hidden": hidden}
    return {status: count for status, count in counts.items() if count}


def at_or_below_alert(merchant: Merchant) -> ColumnElement[bool]:
    """Reviews with no more stars than the alert threshold of their own product's category.

    A category may set its own threshold. When every category has the same one (nearly
    every shop) this is one comparison, which ix_reviews_follow_up answers; otherwise one
    comparison per threshold, each for the products of the categories that use it.
    """
    categories: dict[int, list[int]] = {}
    for category in merchant.categories:
        threshold = scope_of(category).settings("reviews")["alert_threshold"]
        categories.setdefault(threshold, []).append(category.id)
    if len(categories) == 1:
        return Review.stars <= next(iter(categories))
    products = select(Product.id).where(Product.merchant_id == merchant.id)
    return or_(
        false(),
        *(
            (Review.stars <= threshold)
            & Review.product_id.in_(products.where(Product.category_id.in_(ids)))
            for threshold, ids in categories.items()
        ),
    )
