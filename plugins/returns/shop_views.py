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
    Variant,
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

from .flow import STATUS_LABELS, FlowError, move, record
from .forms import RequestForm, ShipBackForm
from .models import ReturnItem, ReturnPhoto, ReturnRequest
from .policy import REASONS, already_returned, claim, eligibility, new_rma

shop_bp = Blueprint(
    "returns",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/returns-static",
)
MAX_PHOTOS = 6
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


def lines_not_offered(order: Order, lines) -> list[str]:
    """Errors for quantities posted for lines where returns are not offered (their category)."""
    offered = {line.item.id for line in lines}
    return [
        gettext("%(product)s cannot be returned here.", product=item.product_name)
        for item in order.items
        if item.id not in offered
        and request.form.get(f"qty-{item.id}", "").strip() not in ("", "0")
    ]


def chosen_lines(lines, kind: str, errors: list[str]) -> list[ReturnItem]:
    """The lines and quantities ticked on the form, each checked against what it allows."""
    chosen = []
    for line in lines:
        raw = request.form.get(f"qty-{line.item.id}", "").strip()
        if not raw or raw == "0":
            continue
        quantity = whole_number(raw, 1, line.item.quantity)
        if quantity is None:
            errors.append(
                gettext(
                    "%(product)s: choose from 1 to %(n)d.",
                    product=line.item.product_name,
                    n=line.returnable,
                )
                if line.returnable
                else already_returned(line.item, 0)
            )
            continue
        if quantity > line.returnable:  # the rest is in other requests (or came back)
            errors.append(already_returned(line.item, line.returnable))
            continue
        allowed = line.can_exchange if kind == "exchange" else line.can_return
        if not allowed:
            errors.append(
                f"{line.item.product_name}: "
                + (" ".join(line.why_not) or gettext("not possible for this item."))
            )
            continue
        row = ReturnItem(order_item_id=line.item.id, quantity=quantity)
        if kind == "exchange":
            variant = db.session.get(
                Variant, parse_id(request.form.get(f"variant-{line.item.id}")) or 0
            )
            if (
                variant is None
                or variant.product_id != line.item.product_id
                or variant.id == line.item.variant_id
            ):
                errors.append(
                    gettext(
                        "%(product)s: choose the size or colour you want instead.",
                        product=line.item.product_name,
                    )
                )
                continue
            if variant.stock < quantity:
                errors.append(
                    gettext(
                        "%(product)s: %(variant)s is sold out; choose a refund or another size.",
                        product=line.item.product_name,
                        variant=variant.label,
                    )
                )
                continue
            row.exchange_variant_id = variant.id
        chosen.append(row)
    if not chosen and not errors:
        errors.append(gettext("Choose at least one item and how many."))
    return chosen


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
        errors.extend(lines_not_offered(order, lines))
        chosen = chosen_lines(lines, form.kind.data, errors)
        policies = {line.item.id: line.policy for line in lines}
        reason = form.reason.data
        files = [f for f in request.files.getlist("photos") if f and f.filename]
        if any(reason in policies[c.order_item_id].photo_reasons for c in chosen) and not files:
            errors.append(gettext("Please add at least one photo showing the problem."))
        if (
            reason == "changed_mind"
            and form.opened.data
            and any(policies[c.order_item_id].hygiene_rule for c in chosen)
        ):
            errors.append(
                gettext("For hygiene, opened bedding cannot be returned for a change of mind.")
            )
        if not errors:
            # From here to the commit the lines are locked: one request at a time counts.
            errors.extend(claim(order, chosen, {line.item.id: line.item for line in lines}))
            if not errors:
                try:
                    uploads = save_uploads(
                        files, g.merchant, current_user, "return", False, MAX_PHOTOS
                    )
                except UploadError as error:
                    errors.append(str(error))
                else:
                    created = create_request(order, form, chosen, uploads, policies)
                    db.session.commit()
                    flash(gettext("Request %(rma)s sent.", rma=created.rma), "success")
                    return redirect(url_for("returns.detail", rma=created.rma))
            db.session.rollback()  # let the next request in, and show what is left now
            lines = eligibility(order, lines_where("returns", order))
    return render_template(
        "returns/start.html", order=order, lines=lines, form=form, errors=errors, reasons=REASONS
    )


def create_request(order, form, chosen, uploads, policies) -> ReturnRequest:
    reason, kind = form.reason.data, form.kind.data
    policy = policies[chosen[0].order_item_id]
    shop_pays = reason in policy.shop_pays_for or (
        kind == "exchange" and reason == "wrong_size" and policy.free_size_exchange
    )
    created = ReturnRequest(
        merchant_id=order.merchant_id,
        order_id=order.id,
        user_id=current_user.id,
        rma=new_rma(),
        kind=kind,
        reason=reason,
        description=(form.description.data or "").strip(),
        shipping_paid_by="shop" if shop_pays else "shopper",
        items=chosen,
        photos=[ReturnPhoto(upload_id=u.id) for u in uploads],
    )
    created.order = order
    created.user = current_user._get_current_object()
    record(created, "requested", current_user.name)
    db.session.add(created)
    db.session.flush()
    auto = (
        kind == "exchange"
        and reason == "wrong_size"
        and all(policies[c.order_item_id].auto_approve_size_exchange for c in chosen)
    )
    if auto:
        try:
            with db.session.begin_nested():
                move(created, "approved", "auto-approval", None)
        except FlowError:
            pass  # out of stock since the form: the shop decides
    return created


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
            found.return_carrier = form.carrier.data.strip()
            found.return_tracking = form.tracking.data.strip()
            move(
                found,
                "shipped_back",
                current_user.name,
                f"{found.return_carrier} {found.return_tracking}",
            )
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
