"""The merchant's side: the queue of requests and the decision on each."""

from __future__ import annotations

import re
from datetime import timedelta

from flask import Blueprint, abort, flash, g, redirect, request, url_for
from flask_login import current_user
from sqlalchemy import Select, or_, select
from sqlalchemy.orm import selectinload

from storefront import Order, db, gettext, page_number, render_template, tenant_select, utcnow

from .flow import STATUS_LABELS, TRANSITIONS, FlowError, decline, move, refund
from .forms import DecisionForm
from .models import OPEN_STATES, STATES, ReturnRequest
from .policy import REASONS

admin_bp = Blueprint("returns_admin", __name__, template_folder="templates")
PER_PAGE = 25
OVERDUE_DAYS = 2
AMOUNT = re.compile(r"^\d{1,7}(\.\d{1,2})?$")


def refund_amount(raw: str | None) -> int:
    """The refund field ("12.50") in minor units; 0 (refused by the flow) when malformed."""
    raw = (raw or "").strip()
    return round(float(raw) * 100) if AMOUNT.match(raw) else 0


def shop_request(rma: str) -> ReturnRequest:
    found = db.session.scalar(tenant_select(ReturnRequest).where(ReturnRequest.rma == rma))
    if found is None:
        abort(404)
    return found


def queue_query(show: str, reason: str, search: str) -> tuple[Select, str, str]:
    """The requests one view of the queue holds, unordered; with `show` and `reason` as used.

    `show` is a status, "open", "overdue" or (anything else) "all"; an unknown `reason`
    is no filter; `search` matches the RMA or the order number.
    """
    query = tenant_select(ReturnRequest)
    if show == "open":
        query = query.where(ReturnRequest.status.in_(OPEN_STATES))
    elif show == "overdue":
        query = query.where(
            ReturnRequest.status == "requested",
            ReturnRequest.created_at < utcnow() - timedelta(days=OVERDUE_DAYS),
        )
    elif show in STATES:
        query = query.where(ReturnRequest.status == show)
    else:
        show = "all"
    if reason in REASONS:
        query = query.where(ReturnRequest.reason == reason)
    else:
        reason = ""
    if search:
        # The shop's own orders only: the outer query is the shop's already, but without
        # the merchant here the database matches the number against every shop's orders.
        orders = select(Order.id).where(
            Order.merchant_id == g.merchant.id, Order.number.ilike(f"%{search}%")
        )
        query = query.where(
            or_(ReturnRequest.rma.ilike(f"%{search}%"), ReturnRequest.order_id.in_(orders))
        )
    return query, show, reason


@admin_bp.route("/admin/<merchant>/returns/")
def queue():
    search = request.args.get("q", "").strip()[:40]
    query, show, reason = queue_query(
        request.args.get("show", "open"), request.args.get("reason", ""), search
    )
    query = query.options(selectinload(ReturnRequest.order), selectinload(ReturnRequest.user))
    oldest_first = show in ("open", "overdue")
    listing = db.paginate(
        query.order_by(
            ReturnRequest.created_at.asc() if oldest_first else ReturnRequest.created_at.desc(),
            ReturnRequest.id,
        ),
        page=page_number(),
        per_page=PER_PAGE,
        error_out=False,
    )
    return render_template(
        "returns/admin/queue.html",
        requests=listing,
        show=show,
        search=search,
        reason=reason,
        labels=STATUS_LABELS,
        reasons=REASONS,
    )


def chosen_period() -> str:
    """`?days=` as one of the periods offered; anything else is the default window."""
    from .analytics import DEFAULT_DAYS, PERIODS

    key = request.args.get("days", "")
    return key if key in PERIODS else str(DEFAULT_DAYS)


@admin_bp.route("/admin/<merchant>/returns/analytics")
def analytics():
    from .analytics import PERIOD_LABELS, PERIODS, category_rates, product_rates, top_reasons

    period = chosen_period()
    days = PERIODS[period]
    return render_template(
        "returns/admin/analytics.html",
        products=product_rates(g.merchant.id, days),
        categories=category_rates(g.merchant.id, days),
        reasons_count=top_reasons(g.merchant.id, days),
        reasons=REASONS,
        period=period,
        days=days,
        periods=PERIOD_LABELS,
    )


@admin_bp.route("/admin/<merchant>/returns/<rma>")
def detail(rma: str):
    found = shop_request(rma)
    form = DecisionForm(refund=f"{found.value_minor / 100:.2f}")
    return render_template(
        "returns/admin/detail.html",
        req=found,
        form=form,
        labels=STATUS_LABELS,
        reasons=REASONS,
        next_steps=TRANSITIONS.get(found.status, ()),
    )


@admin_bp.route("/admin/<merchant>/returns/<rma>/<status>", methods=["POST"])
def decide(rma: str, status: str):
    found = shop_request(rma)
    form = DecisionForm()
    if status not in STATES or not form.validate_on_submit():
        abort(400)
    note = (form.note.data or "").strip() or None
    try:
        if status == "rejected":
            decline(found, note, current_user.name)
        elif status == "refunded":
            refund(found, refund_amount(form.refund.data), current_user.name, note)
        else:
            move(found, status, current_user.name, note)
    except FlowError as error:
        db.session.rollback()
        flash(str(error), "error")
    else:
        db.session.commit()
        flash(
            gettext("Request %(rma)s: %(status)s.", rma=rma, status=STATUS_LABELS[status]),
            "success",
        )
    return redirect(url_for("returns_admin.detail", rma=rma))
