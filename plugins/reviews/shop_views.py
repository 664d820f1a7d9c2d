"""The shopper's side: all reviews of a product, writing and editing, helpful votes."""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, jsonify, redirect, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from storefront import (
    Order,
    OrderItem,
    Product,
    UploadError,
    acts_on,
    db,
    gettext,
    limiter,
    page_number,
    reads,
    record_view,
    render_template,
    scope_of,
    tenant_select,
)

from .forms import ReviewForm
from .models import Review, ReviewInvitation
from .queries import MINE_ORDER, SORTS, recent_photos, review_page, reviews_of, summary_of
from .questions import clean_answers, questions_for, summary_lines
from .rules import editable, note_if_no_longer_offered, own_review, reviewable_item
from .votes import may_vote, votable_review, vote_helpful
from .writing import MAX_PHOTOS, ReviewText, delete_review, save_review, store_photos

shop_bp = Blueprint(
    "reviews",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/reviews-static",
)


def product_by_slug(slug: str) -> Product:
    product = db.session.scalar(tenant_select(Product).where(Product.slug == slug))
    if product is None:
        abort(404)
    return product


def listing_args() -> tuple[str, int | None, bool, int]:
    sort = request.args.get("sort", "newest")
    sort = sort if sort in SORTS else "newest"
    stars = request.args.get("stars", type=int)
    stars = stars if stars in (1, 2, 3, 4, 5) else None
    photos = request.args.get("photos") == "1"
    page = page_number()
    return sort, stars, photos, page


@shop_bp.route("/shop/<merchant>/p/<product_slug>/reviews")
def product_reviews(product_slug: str):
    product = product_by_slug(product_slug)
    scope = acts_on(product)
    sort, stars, photos, page = listing_args()
    summary = summary_of(product)
    listing = review_page(
        product, summary, sort, stars, photos, page, scope.settings("reviews")["per_page"]
    )
    return render_template(
        "reviews/list.html",
        product=product,
        summary=summary,
        listing=listing,
        sort=sort,
        stars=stars,
        photos=photos,
        fit_lines=summary_lines(summary.answers) if summary else [],
        gallery=recent_photos(product, summary),
    )


@shop_bp.route("/shop/<merchant>/reviews/write/<int:order_item_id>", methods=["GET", "POST"])
@record_view
@login_required
def write(order_item_id: int):
    """Write or edit the review of one order line, where reviews are on for its product."""
    item = reviewable_item(current_user.id, order_item_id, g.merchant.id)
    if item is None:
        abort(404)
    review = db.session.scalar(select(Review).where(Review.order_item_id == item.id))
    if not scope_of(item).enabled("reviews"):
        return sent_before(item, review)
    scope = acts_on(item)
    if review is not None and not editable(review):
        flash(gettext("Reviews can be changed for 30 days; this one can only be deleted."), "error")
        return redirect(url_for("reviews.mine"))
    form = ReviewForm(obj=review)
    if review is not None and request.method == "GET":
        form.stars.data = str(review.stars)
    kind = item.product.category.kind
    photo_error = None
    if form.validate_on_submit():
        files = [f for f in request.files.getlist("photos") if f and f.filename]
        target = review or Review(
            merchant_id=g.merchant.id,
            product_id=item.product_id,
            order_item_id=item.id,
            user_id=current_user.id,
        )
        text = ReviewText.of_form(form, clean_answers(kind, request.form))
        try:
            uploads = store_photos(files, target, current_user, scope)
            saved = save_review(target, text, uploads, scope)
        except UploadError as error:
            db.session.rollback()
            photo_error = str(error)
        else:
            db.session.commit()
            if saved.status == "published":
                flash(gettext("Thank you! Your review is online."), "success")
            else:
                flash(
                    gettext("Thank you! Your review will appear once the shop has read it."),
                    "success",
                )
            return redirect(url_for("reviews.mine"))
    return render_template(
        "reviews/write.html",
        form=form,
        item=item,
        review=review,
        questions=questions_for(kind),
        answers=(review.answers if review else {}) | clean_answers(kind, request.form),
        photo_error=photo_error,
        max_photos=MAX_PHOTOS - (len(review.photos) if review else 0),
    )


def sent_before(item: OrderItem, review: Review | None):
    """The line where reviews are no longer offered: its review, if any, without the form.

    Invitations link to the writing page, so a line the shopper was invited to review (or
    did review) still answers, read only; any other line is not found.
    """
    record = review or db.session.scalar(
        select(ReviewInvitation).where(
            ReviewInvitation.order_item_id == item.id, ReviewInvitation.sent_at.is_not(None)
        )
    )
    if record is None or request.method != "GET":
        abort(404)
    reads(record)
    return render_template("reviews/write.html", item=item, review=review)


@shop_bp.route("/shop/<merchant>/reviews/<int:review_id>/delete", methods=["POST"])
@login_required
def delete(review_id: int):
    review = own_review(review_id, current_user.id)
    acts_on(review)
    delete_review(review)
    db.session.commit()
    flash(gettext("Your review was deleted."), "success")
    return redirect(url_for("reviews.mine"))


@shop_bp.route("/shop/<merchant>/reviews/<int:review_id>/helpful", methods=["POST"])
@login_required
@limiter.limit("30 per minute")
def helpful(review_id: int):
    review = votable_review(review_id)
    if may_vote(review, current_user.id):
        vote_helpful(review, f"u:{current_user.id}")  # a repeated vote changes nothing
        db.session.commit()
    if request.accept_mimetypes.best == "application/json":
        return jsonify(helpful=review.helpful_count)
    return redirect(
        url_for("reviews.product_reviews", product_slug=review.product.slug)
        + f"#review-{review.id}"
    )


@shop_bp.route("/shop/<merchant>/account/reviews")
@record_view
@login_required
def mine():
    """The shopper's reviews, readable after reviews are switched off or hidden."""
    note_if_no_longer_offered()
    reviews = db.session.scalars(reviews_of(current_user.id).order_by(*MINE_ORDER)).all()
    reviewed = {r.order_item_id for r in reviews}
    waiting = db.session.scalars(
        select(OrderItem)
        .join(Order, Order.id == OrderItem.order_id)
        .where(
            Order.merchant_id == g.merchant.id,
            Order.user_id == current_user.id,
            Order.status == "completed",
            OrderItem.product_id.is_not(None),
        )
        .options(selectinload(OrderItem.product).selectinload(Product.category))
        .order_by(Order.created_at.desc())
        .limit(50)
    ).all()
    return render_template(
        "reviews/mine.html",
        reviews=reviews,
        waiting=[i for i in waiting if i.id not in reviewed and scope_of(i).enabled("reviews")],
        offered={r.id for r in reviews if scope_of(r).enabled("reviews")},
        editable=editable,
    )
