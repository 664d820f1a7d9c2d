"""The shopper's side: ask to return or exchange, follow the request, send the parcel back."""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, request, url_for
from flask_login import current_user, login_required
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy.orm import lazyload, selectinload

from storefront import (
    Order,
    OrderItem,
    Product,
    UploadError,
    acts_on,
    db,
    gettext,
    limiter,
    lines_where,
    page_number,
    parse_id,
    reads,
    record_view,
    render_template,
    save_uploads,
    tenant_select,
    whole_number,
)

from .filing import Wanted, check_request, create_request
from .flow import STATUS_LABELS, FlowError, move
from .flow import ship_back as ship_back_with
from .forms import RequestForm, ShipBackForm
from .models import ReturnRequest
from .policy import REASONS, claim, eligibility

shop_bp = Blueprint(
    "returns",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/returns-static",
)
MAX_PHOTOS = 6
PHOTO_PURPOSE = "return"  # what a return's pictures are kept for (see core uploads)
MINE_PER_PAGE = 20


def own_order(number: str) -> Order:
    order = db.session.scalar(
        tenant_select(Order)
        .where(Order.number == number, Order.user_id == current_user.id)
        .options(
            selectinload(Order.items)
            .selectinload(OrderItem.product)
            .selectinload(Product.category),
            selectinload(Order.history),
        )
    )
    if order is None:
        abort(404)
    return order


def own_request(rma: str) -> ReturnRequest:
    found = db.session.scalar(
        tenant_select(ReturnRequest).where(
            ReturnRequest.rma == rma, ReturnRequest.user_id == current_user.id
        )
    )
    if found is None:
        abort(404)
    return found


def form_lines(order: Order, opened: bool) -> list[Wanted]:
    """The lines given a quantity on the form (`qty-<line id>`, `variant-<line id>`)."""
    wanted = []
    for item in order.items:
        raw = request.form.get(f"qty-{item.id}", "").strip()
        if not raw or raw == "0":
            continue
        wanted.append(
            Wanted(
                item.id,
                whole_number(raw, 1, item.quantity),
                parse_id(request.form.get(f"variant-{item.id}")),
                opened,
            )
        )
    return wanted


@shop_bp.route("/shop/<merchant>/account/orders/<number>/return", methods=["GET", "POST"])
@login_required
@limiter.limit("20 per hour", methods=["POST"])
def start(number: str):
    order = own_order(number)
    acts_on(order)
    lines = eligibility(order, lines_where("returns", order))
    form = RequestForm()
    errors: list[str] = []
    if form.validate_on_submit():
        files = [f for f in request.files.getlist("photos") if f and f.filename]
        chosen, problems = check_request(
            order,
            lines,
            form.kind.data,
            form.reason.data,
            form_lines(order, form.opened.data),
            len(files),
        )
        errors.extend(p.message for p in problems)
        if not errors:
            # From here to the commit the lines are locked: one request at a time counts.
            items = {line.item.id: line.item for line in lines}
            errors.extend(p.message for p in claim(order, chosen, items))
            if not errors:
                try:
                    uploads = save_uploads(
                        files, g.merchant, current_user, PHOTO_PURPOSE, False, MAX_PHOTOS
                    )
                except UploadError as error:
                    errors.append(str(error))
                else:
                    created = create_request(
                        order,
                        current_user._get_current_object(),
                        form.kind.data,
                        form.reason.data,
                        form.description.data or "",
                        chosen,
                        uploads,
                        {line.item.id: line.policy for line in lines},
                    )
                    db.session.commit()
                    flash(gettext("Request %(rma)s sent.", rma=created.rma), "success")
                    return redirect(url_for("returns.detail", rma=created.rma))
            db.session.rollback()  # let the next request in, and show what is left now
            lines = eligibility(order, lines_where("returns", order))
    return render_template(
        "returns/start.html", order=order, lines=lines, form=form, errors=errors, reasons=REASONS
    )


@shop_bp.route("/shop/<merchant>/returns/<rma>")
@record_view
@login_required
def detail(rma: str):
    found = own_request(rma)
    reads(found)
    return render_template(
        "returns/detail.html", req=found, labels=STATUS_LABELS, reasons=REASONS, form=ShipBackForm()
    )


@shop_bp.route("/shop/<merchant>/returns/<rma>/ship-back", methods=["POST"])
@login_required
def ship_back(rma: str):
    found = own_request(rma)
    acts_on(found)
    form = ShipBackForm()
    if not form.validate_on_submit():
        flash(gettext("Enter the carrier and the tracking number of your parcel."), "error")
    else:
        try:
            ship_back_with(found, form.carrier.data, form.tracking.data, current_user.name)
        except FlowError as error:
            db.session.rollback()
            flash(str(error), "error")
        else:
            db.session.commit()
            flash(gettext("Thank you! We will tell you when it arrives."), "success")
    return redirect(url_for("returns.detail", rma=found.rma))


@shop_bp.route("/shop/<merchant>/returns/<rma>/cancel", methods=["POST"])
@login_required
def cancel(rma: str):
    found = own_request(rma)
    acts_on(found)
    try:
        move(found, "cancelled", current_user.name)
    except FlowError as error:
        db.session.rollback()
        flash(str(error), "error")
    else:
        db.session.commit()
        flash(gettext("Request cancelled."), "success")
    return redirect(url_for("returns.detail", rma=found.rma))


def my_requests(page: int) -> Pagination:
    """One page of the shopper's requests in this shop, newest first.

    The list shows each request's order number and items: those load in one query each for
    the whole page (selectin), so a shopper with many returns costs no more statements than
    one with a few. The photos and the history stay unloaded: only the detail page shows them.
    """
    query = (
        tenant_select(ReturnRequest)
        .where(ReturnRequest.user_id == current_user.id)
        .options(
            selectinload(ReturnRequest.order),
            selectinload(ReturnRequest.items),
            lazyload(ReturnRequest.photos),
            lazyload(ReturnRequest.events),
        )
        .order_by(ReturnRequest.created_at.desc(), ReturnRequest.id.desc())
    )
    listing = db.paginate(query, page=page, per_page=MINE_PER_PAGE, error_out=False)
    if not listing.items and listing.pages and page > listing.pages:
        # a page past the end (an old link, a hand-typed number): show the last one instead
        listing = db.paginate(query, page=listing.pages, per_page=MINE_PER_PAGE, error_out=False)
    return listing


@shop_bp.route("/shop/<merchant>/account/returns")
@record_view
@login_required
def mine():
    reads(g.merchant)
    return render_template(
        "returns/mine.html", requests=my_requests(page_number()), labels=STATUS_LABELS
    )
