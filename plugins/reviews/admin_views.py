"""The merchant's side: the moderation queue, replies, notes and follow-up."""

from __future__ import annotations

from flask import Blueprint, flash, g, redirect, request, url_for
from sqlalchemy.orm import selectinload

from storefront import (
    db,
    gettext,
    page_number,
    record_view,
    redirect_next,
    render_template,
    tenant_get,
    tenant_select,
)

from .forms import FOLLOW_UP_LABELS, ReplyForm
from .models import OUTSTANDING_FOLLOW_UPS, REVIEW_STATES, Review
from .queries import COUNT_CAP, at_or_below_alert, queue_counts
from .rules import note_if_no_longer_offered
from .writing import set_reply, set_status

admin_bp = Blueprint("reviews_admin", __name__, template_folder="templates")

PER_PAGE = 25
VIEWS = (*REVIEW_STATES, "negative")


@admin_bp.route("/admin/<merchant>/reviews/")
def queue():
    show = request.args.get("show", "pending")
    show = show if show in VIEWS else "pending"
    query = tenant_select(Review).options(
        selectinload(Review.product), selectinload(Review.user), selectinload(Review.photos)
    )
    if show == "negative":
        query = query.where(
            at_or_below_alert(g.merchant), Review.follow_up.in_(OUTSTANDING_FOLLOW_UPS)
        )
    else:
        query = query.where(Review.status == show)
    order = Review.created_at.asc() if show == "pending" else Review.created_at.desc()
    listing = db.paginate(
        query.order_by(order, Review.id),
        page=page_number(),
        per_page=PER_PAGE,
        error_out=False,
    )
    return render_template(
        "reviews/admin/queue.html",
        reviews=listing,
        show=show,
        counts=queue_counts(g.merchant.id),
        count_cap=COUNT_CAP,
        follow_up_labels=FOLLOW_UP_LABELS,
    )


@admin_bp.route("/admin/<merchant>/reviews/<int:review_id>", methods=["GET", "POST"])
@record_view
def detail(review_id: int):
    """One review; the staff's alert links here, so it stays readable once reviews are off."""
    review = tenant_get(Review, review_id)
    note_if_no_longer_offered()
    form = ReplyForm(obj=review)
    if form.validate_on_submit():
        set_reply(review, form.reply.data)
        review.note = (form.note.data or "").strip() or None
        review.follow_up = form.follow_up.data or None
        db.session.commit()
        flash(gettext("Saved."), "success")
        return redirect(url_for("reviews_admin.detail", review_id=review.id))
    return render_template(
        "reviews/admin/detail.html", review=review, form=form, follow_up_labels=FOLLOW_UP_LABELS
    )


@admin_bp.route("/admin/<merchant>/reviews/<int:review_id>/status", methods=["POST"])
def change_status(review_id: int):
    review = tenant_get(Review, review_id)
    status = request.form.get("status")
    if status not in ("published", "hidden"):
        flash(gettext("Choose publish or hide."), "error")
    else:
        set_status(review, status)
        db.session.commit()
        flash(
            gettext("Review published.") if status == "published" else gettext("Review hidden."),
            "success",
        )
    return redirect_next(url_for("reviews_admin.queue"))
