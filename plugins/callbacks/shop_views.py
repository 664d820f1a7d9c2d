"""The shopper's side: contact us, the conversation, closing and rating."""

from __future__ import annotations

from collections.abc import Sequence

from flask import Blueprint, abort, flash, g, redirect, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import Select, func, select
from sqlalchemy.orm import raiseload
from werkzeug.wrappers import Response

from storefront import (
    Order,
    Product,
    acts_on,
    db,
    gettext,
    limiter,
    page_number,
    reads,
    record_view,
    render_template,
    tenant_select,
)

from .forms import TOPIC_LABELS, ContactForm, RatingForm, ReplyForm
from .models import ContactMessage, ContactRequest
from .service import (
    RETIRED,
    Refused,
    availability,
    close_request,
    due_at,
    hours_for,
    new_request,
    product_by_slug,
    reply_from_shopper,
    shoppers_order,
    shoppers_request,
    takes_messages,
    target_minutes,
)

shop_bp = Blueprint("callbacks", __name__, template_folder="templates")
PER_PAGE = 20


def context_order() -> Order | None:
    """An order named in the link, only if it is the signed-in shopper's own."""
    return shoppers_order(request.args.get("order") or request.form.get("order"), current_user)


def context_product() -> Product | None:
    return product_by_slug(request.args.get("product") or request.form.get("product"))


@shop_bp.route("/shop/<merchant>/contact", methods=["GET", "POST"])
@limiter.limit("5 per hour", methods=["POST"])
def contact():
    """The shop-wide contact form; about a product or an order only where callbacks is on for it."""
    form = ContactForm()
    order, product = context_order(), context_product()
    for subject in (order, product):
        if subject is not None:
            acts_on(subject)
    if request.method == "GET":
        if current_user.is_authenticated:
            form.name.data = current_user.name
            form.phone.data = current_user.phone
        if order is not None:
            form.topic.data = "order"
    if form.validate_on_submit():
        try:
            created = new_request(
                g.merchant,
                current_user,
                name=form.name.data,
                topic=form.topic.data,
                message=form.message.data,
                mode=form.mode.data,
                phone=form.phone.data,
                window=form.window.data,
                order=order,
                product=product,
            )
        except Refused as refused:
            getattr(form, refused.field).errors.append(refused.message)
        else:
            db.session.commit()
            flash(gettext("Thank you! Your request number is %(id)d.", id=created.id), "success")
            if current_user.is_authenticated:
                return redirect(url_for("callbacks.thread", request_id=created.id))
            return redirect(url_for("callbacks.contact"))
    now = availability(g.merchant)
    return render_template(
        "callbacks/contact.html",
        form=form,
        order=order,
        product=product,
        open_now=now.open_now,
        opening=now.next_opening,
        minutes=target_minutes(g.merchant, "other"),
        zone=now.zone,
    )


def own_request(request_id: int) -> ContactRequest:
    found = shoppers_request(request_id, current_user)
    if found is None:
        abort(404)
    return found


def refuse_new_messages(found: ContactRequest) -> Response:
    """Nothing is written: back to the thread, which says why."""
    flash(str(RETIRED), "error")
    return redirect(url_for("callbacks.thread", request_id=found.id))


def last_messages(requests: Sequence[ContactRequest]) -> dict[int, str]:
    """The newest message of each request, in one query whatever the page holds.

    The list shows only that one; loading each conversation whole (the model's default)
    would read every message a shopper and the shop ever wrote to print one per row.
    """
    if not requests:
        return {}
    newest = (
        select(func.max(ContactMessage.id))
        .where(ContactMessage.request_id.in_([r.id for r in requests]))
        .group_by(ContactMessage.request_id)
    )
    rows = db.session.execute(
        select(ContactMessage.request_id, ContactMessage.body).where(ContactMessage.id.in_(newest))
    )
    return {request_id: body for request_id, body in rows}


def my_requests(user_id: int) -> Select:
    """A shopper's requests in this shop, newest first: the order of ix_callbacks_mine.

    Conversations and call attempts, which the model loads with every request, are left
    unread (`last_messages` fetches the one message a row shows).
    """
    return (
        tenant_select(ContactRequest)
        .where(ContactRequest.user_id == user_id)
        .options(raiseload(ContactRequest.messages), raiseload(ContactRequest.attempts_log))
        .order_by(ContactRequest.created_at.desc(), ContactRequest.id.desc())
    )


@shop_bp.route("/shop/<merchant>/account/messages")
@record_view
@login_required
def mine():
    """The shopper's requests in this shop, a page at a time, like any inbox.

    Still there when the shop no longer offers callbacks anywhere: the page says so.
    """
    if not g.scope.enabled_anywhere("callbacks"):
        reads(g.merchant)
    listing = db.paginate(
        my_requests(current_user.id), page=page_number(), per_page=PER_PAGE, error_out=False
    )
    return render_template(
        "callbacks/mine.html",
        requests=listing,
        last=last_messages(listing.items),
        topics={code: str(label) for code, label in TOPIC_LABELS.items()},
    )


@shop_bp.route("/shop/<merchant>/account/messages/<int:request_id>", methods=["GET", "POST"])
@record_view
@login_required
def thread(request_id: int):
    found = own_request(request_id)
    if not takes_messages(found) and request.method == "POST":
        return refuse_new_messages(found)
    form = ReplyForm()
    if found.status != "resolved" and form.validate_on_submit():
        reply_from_shopper(found, current_user, form.body.data)
        db.session.commit()
        flash(gettext("Message sent."), "success")
        return redirect(url_for("callbacks.thread", request_id=found.id))
    hours = hours_for(g.merchant)
    return render_template(
        "callbacks/thread.html",
        req=found,
        form=form,
        rating_form=RatingForm(),
        topics=TOPIC_LABELS,
        due=due_at(found, hours),
    )


@shop_bp.route("/shop/<merchant>/account/messages/<int:request_id>/close", methods=["POST"])
@login_required
def close(request_id: int):
    found = own_request(request_id)
    if not takes_messages(found):
        return refuse_new_messages(found)
    form = RatingForm()
    if not form.validate_on_submit():
        flash(gettext("Tell us whether you were helped."), "error")
    else:
        close_request(found, form.rating.data, form.comment.data)
        db.session.commit()
        flash(gettext("Thank you for your feedback."), "success")
    return redirect(url_for("callbacks.thread", request_id=found.id))
