"""The agents' side: the queue (overdue first), a request, canned replies, the figures."""

from __future__ import annotations

from datetime import timedelta
from statistics import median

from flask import Blueprint, flash, g, redirect, request, url_for
from flask_login import current_user
from sqlalchemy import func, select

from storefront import (
    User,
    db,
    gettext,
    lazy_gettext,
    notify_staff,
    page_number,
    parse_id,
    render_template,
    tenant_get,
    tenant_select,
    utcnow,
)

from .forms import (
    OUTCOME_LABELS,
    STATE_LABELS,
    TOPIC_LABELS,
    AttemptForm,
    CannedForm,
    ReplyForm,
)
from .models import OPEN_STATES, CallAttempt, CannedReply, ContactRequest
from .open_requests import Queue
from .service import (
    Refused,
    agent_reply,
    assign_request,
    due_at,
    hours_for,
    is_overdue,
    resolve_request,
    staff_of,
)

admin_bp = Blueprint(
    "callbacks_admin",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/callbacks-static",
)
PER_PAGE = 25


@admin_bp.route("/admin/<merchant>/callbacks/")
def queue():
    """Open requests, overdue first then by due time, sorted and paged by the database."""
    mine = request.args.get("mine") == "1"
    wanted = page_number()
    assignee_id = current_user.id if mine else None
    found = Queue(g.merchant, assignee_id).page(wanted, PER_PAGE)
    return render_template(
        "callbacks/admin/queue.html",
        rows=found.rows,
        page=found.page,
        pages=found.pages,
        mine=mine,
        topics=TOPIC_LABELS,
        states=STATE_LABELS,
        zone=found.hours.zone,
        overdue=found.overdue,
    )


@admin_bp.route("/admin/<merchant>/callbacks/<int:request_id>")
def detail(request_id: int):
    found = tenant_get(ContactRequest, request_id)
    hours = hours_for(g.merchant)
    canned = db.session.scalars(tenant_select(CannedReply).order_by(CannedReply.title)).all()
    return render_template(
        "callbacks/admin/detail.html",
        req=found,
        form=ReplyForm(),
        attempt_form=AttemptForm(),
        canned=canned,
        staff=staff_of(g.merchant),
        topics=TOPIC_LABELS,
        states=STATE_LABELS,
        outcomes=OUTCOME_LABELS,
        due=due_at(found, hours),
        overdue=is_overdue(found, hours),
        zone=hours.zone,
    )


def back(found: ContactRequest):
    return redirect(url_for("callbacks_admin.detail", request_id=found.id))


@admin_bp.route("/admin/<merchant>/callbacks/<int:request_id>/reply", methods=["POST"])
def reply(request_id: int):
    found = tenant_get(ContactRequest, request_id)
    form = ReplyForm()
    if not form.validate_on_submit():
        flash(gettext("Write a reply first."), "error")
        return back(found)
    try:
        agent_reply(found, current_user, form.body.data, g.merchant)
    except Refused as refused:
        flash(refused.message, "error")
    else:
        db.session.commit()
        flash(gettext("Reply sent."), "success")
    return back(found)


@admin_bp.route("/admin/<merchant>/callbacks/<int:request_id>/attempt", methods=["POST"])
def attempt(request_id: int):
    found = tenant_get(ContactRequest, request_id)
    form = AttemptForm()
    if not form.validate_on_submit():
        flash(gettext("Choose the outcome of the call."), "error")
        return back(found)
    found.attempts_log.append(
        CallAttempt(
            agent_id=current_user.id,
            outcome=form.outcome.data,
            note=(form.note.data or "").strip() or None,
        )
    )
    found.attempts += 1
    if form.outcome.data == "reached":
        found.status = "called"
        found.first_response_at = found.first_response_at or utcnow()
    found.assignee_id = found.assignee_id or current_user.id
    db.session.commit()
    flash(gettext("Call logged."), "success")
    return back(found)


@admin_bp.route("/admin/<merchant>/callbacks/<int:request_id>/assign", methods=["POST"])
def assign(request_id: int):
    found = tenant_get(ContactRequest, request_id)
    wanted = parse_id(request.form.get("assignee"))
    try:
        if wanted is None:  # the page always names someone; giving back is the API's
            raise Refused(gettext("Choose someone from this shop's staff."))
        assign_request(found, wanted, g.merchant)
    except Refused as refused:
        flash(refused.message, "error")
        return back(found)
    db.session.commit()
    flash(gettext("Assigned."), "success")
    return back(found)


@admin_bp.route("/admin/<merchant>/callbacks/<int:request_id>/resolve", methods=["POST"])
def resolve(request_id: int):
    found = tenant_get(ContactRequest, request_id)
    resolve_request(found)
    db.session.commit()
    flash(gettext("Marked as resolved."), "success")
    return back(found)


@admin_bp.route("/admin/<merchant>/callbacks/<int:request_id>/escalate", methods=["POST"])
def escalate(request_id: int):
    found = tenant_get(ContactRequest, request_id)
    found.escalated = True
    notify_staff(
        g.merchant,
        lazy_gettext("Escalated: request %(id)d from %(name)s", id=found.id, name=found.name),
        lazy_gettext("%(agent)s asks the owner to take over.", agent=current_user.name),
        link=url_for("callbacks_admin.detail", request_id=found.id),
        kind="callbacks.escalated",
        roles=("owner",),
    )
    db.session.commit()
    flash(gettext("The owner has been told."), "success")
    return back(found)


@admin_bp.route("/admin/<merchant>/callbacks/canned", methods=["GET", "POST"])
def canned():
    form = CannedForm()
    if form.validate_on_submit():
        db.session.add(
            CannedReply(
                merchant_id=g.merchant.id,
                title=form.title.data.strip(),
                body=form.body.data.strip(),
            )
        )
        db.session.commit()
        flash(gettext("Canned reply saved."), "success")
        return redirect(url_for("callbacks_admin.canned"))
    replies = db.session.scalars(tenant_select(CannedReply).order_by(CannedReply.title)).all()
    return render_template("callbacks/admin/canned.html", form=form, replies=replies)


@admin_bp.route("/admin/<merchant>/callbacks/canned/<int:reply_id>/delete", methods=["POST"])
def canned_delete(reply_id: int):
    db.session.delete(tenant_get(CannedReply, reply_id))
    db.session.commit()
    flash(gettext("Canned reply deleted."), "success")
    return redirect(url_for("callbacks_admin.canned"))


@admin_bp.route("/admin/<merchant>/callbacks/figures")
def figures():
    """First replies in business minutes and satisfaction, for the last eight weeks."""
    since = utcnow() - timedelta(weeks=8)
    hours = hours_for(g.merchant)
    answered = db.session.execute(
        select(ContactRequest.created_at, ContactRequest.first_response_at)
        .where(
            ContactRequest.merchant_id == g.merchant.id,
            ContactRequest.created_at >= since,
            ContactRequest.first_response_at.is_not(None),
        )
        .limit(5000)
    ).all()
    waits = [hours.minutes_between(a, b) for a, b in answered]
    satisfied = func.count(ContactRequest.id).filter(ContactRequest.rating == "satisfied")
    rated = func.count(ContactRequest.id).filter(ContactRequest.rating.is_not(None))
    per_agent = db.session.execute(
        select(User.name, satisfied, rated)
        .join(User, User.id == ContactRequest.assignee_id)
        .where(ContactRequest.merchant_id == g.merchant.id, ContactRequest.created_at >= since)
        .group_by(User.id, User.name)
        .order_by(User.name)
    ).all()
    weeks: dict[str, list[int]] = {}
    for created, rating in db.session.execute(
        select(ContactRequest.created_at, ContactRequest.rating).where(
            ContactRequest.merchant_id == g.merchant.id,
            ContactRequest.created_at >= since,
            ContactRequest.rating.is_not(None),
        )
    ):
        week = created.astimezone(hours.zone).strftime("%G-W%V")
        weeks.setdefault(week, [0, 0])
        weeks[week][0] += rating == "satisfied"
        weeks[week][1] += 1
    open_count = db.session.scalar(
        select(func.count(ContactRequest.id)).where(
            ContactRequest.merchant_id == g.merchant.id, ContactRequest.status.in_(OPEN_STATES)
        )
    )
    return render_template(
        "callbacks/admin/figures.html",
        median_minutes=round(median(waits), 1) if waits else None,
        answered=len(waits),
        per_agent=per_agent,
        weeks=sorted(weeks.items()),
        open_count=open_count,
    )
