"""The merchant's side: parcels of an order, manual events, the shipments list, CSV import."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping

from flask import Blueprint, abort, flash, g, redirect, request, url_for
from flask_login import current_user
from sqlalchemy import ColumnElement, Select, func
from sqlalchemy.orm import joinedload, raiseload

from storefront import (
    Order,
    acts_on,
    db,
    gettext,
    page_number,
    render_template,
    tenant_get,
    tenant_select,
    utcnow,
    whole_number,
)

from .carriers import STATUS_LABELS, TrackingUpdate, carriers
from .forms import EventForm, ImportForm, ShipmentForm
from .models import Shipment
from .queries import common_limit, silence_limits, stalled
from .shipping import ShippingError, create_shipment, record_event

admin_bp = Blueprint("tracking_admin", __name__, template_folder="templates")

PER_PAGE = 25
MAX_IMPORT_ROWS = 2000
FILTERS = ("all", "in_transit", "exception", "delayed", "delivered")


def order_by_number(number: str) -> Order:
    order = db.session.scalar(tenant_select(Order).where(Order.number == number))
    if order is None:
        abort(404)
    return order


def back_to(order: Order):
    return redirect(url_for("admin.order_detail", number=order.number) + "#tracking")


@admin_bp.route("/admin/<merchant>/tracking/orders/<number>/shipments", methods=["POST"])
def add_shipment(number: str):
    order = order_by_number(number)
    acts_on(order)
    form = ShipmentForm()
    form.carrier.choices = [(c.code, str(c.name)) for c in carriers(g.scope).values()]
    if not form.validate_on_submit():
        flash(gettext("Choose a carrier and enter the tracking number."), "error")
        return back_to(order)
    quantities = {}
    for item in order.items:
        raw = request.form.get(f"qty-{item.id}", "").strip()
        if raw:
            quantity = whole_number(raw)
            if quantity is None:
                flash(gettext("Quantities must be whole numbers."), "error")
                return back_to(order)
            if quantity:
                quantities[item.id] = quantity
    try:
        create_shipment(
            order, form.carrier.data, form.tracking_number.data, quantities or None, current_user
        )
    except ShippingError as error:
        db.session.rollback()
        flash(str(error), "error")
    else:
        db.session.commit()
        flash(gettext("Parcel added; the shopper can follow it on the order page."), "success")
    return back_to(order)


@admin_bp.route("/admin/<merchant>/tracking/shipments/<int:shipment_id>/events", methods=["POST"])
def add_event(shipment_id: int):
    shipment = tenant_get(Shipment, shipment_id)
    acts_on(shipment)
    form = EventForm()
    if not form.validate_on_submit():
        flash(
            gettext("The event could not be saved: %(fields)s.", fields=", ".join(form.errors)),
            "error",
        )
    else:
        when = form.occurred_at.data
        record_event(
            shipment,
            TrackingUpdate(
                event_id=None,
                status=form.status.data,
                occurred_at=when.replace(tzinfo=utcnow().tzinfo) if when else utcnow(),
                location=form.location.data or "",
                message=form.message.data or "",
            ),
            source="manual",
        )
        db.session.commit()
        flash(gettext("Event added."), "success")
    return back_to(shipment.order)


def filtered(query: Select, show: str, late: ColumnElement[bool]) -> Select:
    """The parcels one tab of the list shows; "all" leaves the query as it is.

    `late` is `queries.stalled`: each parcel judged by the silence its own scope allows.
    """
    if show in ("in_transit", "exception", "delivered"):
        statuses = ("exception", "attempt_fail", "expired") if show == "exception" else (show,)
        return query.where(Shipment.status.in_(statuses))
    if show == "delayed":
        return query.where(late)
    return query


def newest_first(query: Select, show: str) -> Select:
    """Newest first; the problems tab sorts its few parcels instead of walking an index.

    Problems are a few parcels among many delivered ones. Ordered by the bare column,
    SQLite (even with ANALYZE statistics) walks the newest-first index through every
    parcel of the shop to find them; a sort key no index holds makes it pick them out by
    status first. One status per tab (in transit, delivered) reads its index in order.
    """
    created = Shipment.created_at
    key = func.coalesce(created, created) if show == "exception" else created
    return query.order_by(key.desc(), Shipment.id.desc())


def listing_query(show: str, late: ColumnElement[bool]) -> Select:
    """Newest first, in the order of an index; only what the table shows is loaded.

    The order comes in the same statement (a many-to-one join by key), and the parcel's
    items and events, which the model loads with every parcel, stay unread: the list shows
    neither, and a shop's parcels must not cost a query or a read per row.
    """
    query = tenant_select(Shipment).options(
        joinedload(Shipment.order, innerjoin=True),
        raiseload(Shipment.items),
        raiseload(Shipment.events),
    )
    return newest_first(filtered(query, show, late), show)


def translated(labels: Mapping[str, object]) -> dict[str, str]:
    """Lazy labels translated once per page.

    A lazy string looks its catalogue up again each time it is printed, so a page of
    rows would pay a lookup per row and label; a dozen lookups cover the whole page.
    """
    return {code: str(label) for code, label in labels.items()}


@admin_bp.route("/admin/<merchant>/tracking/")
def shipments():
    """Every parcel of the shop or one tab of them, newest first, a page at a time."""
    show = request.args.get("show", "all")
    show = show if show in FILTERS else "all"
    limits = silence_limits(g.merchant)
    late = stalled(limits, utcnow())
    listing = db.paginate(
        listing_query(show, late), page=page_number(), per_page=PER_PAGE, error_out=False
    )
    return render_template(
        "tracking/admin/shipments.html",
        shipments=listing,
        show=show,
        labels=translated(STATUS_LABELS),
        carrier_names=translated({code: c.name for code, c in carriers(g.scope).items()}),
        hours=common_limit(limits),
    )


@admin_bp.route("/admin/<merchant>/tracking/import", methods=["GET", "POST"])
def import_csv():
    form = ImportForm()
    results: list[tuple[int, str, str]] = []
    if form.validate_on_submit():
        try:
            text = form.file.data.read(2_000_000).decode("utf-8-sig")
        except UnicodeDecodeError:
            form.file.errors.append(gettext("The file must be UTF-8 text (CSV)."))
        else:
            results = import_rows(list(csv.reader(io.StringIO(text)))[:MAX_IMPORT_ROWS])
            good = sum(1 for _, ok, _ in results if ok == "ok")
            flash(
                gettext(
                    "%(good)d parcels added, %(bad)d rows with errors.",
                    good=good,
                    bad=len(results) - good,
                ),
                "success" if good else "error",
            )
    return render_template("tracking/admin/import.html", form=form, results=results)


def import_rows(rows: list[list[str]]) -> list[tuple[int, str, str]]:
    """Each good row is committed on its own, so one bad row never loses the others."""
    results = []
    for line, row in enumerate(rows, start=1):
        cells = [c.strip() for c in row]
        if not any(cells) or (line == 1 and cells and cells[0].lower().startswith("order")):
            continue
        if len(cells) != 3:
            results.append(
                (line, "error", gettext("Expected 3 columns, found %(n)d.", n=len(cells)))
            )
            continue
        number, carrier, tracking = cells
        order = db.session.scalar(tenant_select(Order).where(Order.number == number))
        if order is None:
            results.append(
                (line, "error", gettext("No order %(number)s in this shop.", number=number))
            )
            continue
        try:
            create_shipment(order, carrier.lower(), tracking, None, current_user)
        except ShippingError as error:
            db.session.rollback()
            results.append((line, "error", str(error)))
            continue
        db.session.commit()
        results.append((line, "ok", tracking))
    return results
