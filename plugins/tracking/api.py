"""Tracking through the JSON API: the shopper's parcels, and shipping and events for the shop.

The same rules as the pages: a shopper sees the parcels holding a line tracking serves,
of their own orders only; a merchant key ships only its shop's orders, puts in a parcel
only lines tracking is on for, and adds events only to parcels tracking still serves.
The work is the plugin's own (`shipping.create_shipment`, `shipping.record_event`).
"""

from __future__ import annotations

from flask import g
from flask_login import current_user
from sqlalchemy.orm import joinedload, raiseload

from storefront import (
    Order,
    acts_on,
    db,
    gettext,
    lines_where,
    tenant_get,
    tenant_select,
    utcnow,
)
from storefront.api import (
    ApiBlueprint,
    ApiError,
    ErrorBody,
    answers,
    api_spec,
    idempotent,
    key_required,
    keyset,
    shopper_required,
)

from .admin_views import filtered, order_by_number
from .api_models import (
    OrderShipments,
    ShipmentEventIn,
    ShipmentIn,
    ShipmentOut,
    ShipmentPage,
    ShipmentQuery,
    shipment_out,
    summary,
)
from .carriers import TrackingUpdate, carriers
from .models import Shipment
from .queries import delayed_among, silence_limits, stalled
from .shipping import ShippingError, create_shipment, holding, parcels_of, record_event

api_bp = ApiBlueprint("tracking_api", __name__, url_prefix="/shops/<merchant>")

TAGS = ["tracking"]
FIELDS = {"items": "lines", "order": "status"}  # ShippingError's form fields, as the API names


def own_order(number: str) -> Order:
    """The caller's own order of this shop, or a JSON 404 (another's order is not found)."""
    order = db.session.scalar(
        tenant_select(Order).where(Order.number == number, Order.user_id == current_user.id)
    )
    if order is None:
        raise ApiError(404)
    return order


def delayed_of(parcels: list[Shipment]) -> set[int]:
    return delayed_among(g.merchant, [p.id for p in parcels])


def quantities_of(body: ShipmentIn) -> dict[int, int] | None:
    if body.lines is None:
        return None
    quantities: dict[int, int] = {}
    for index, line in enumerate(body.lines):
        if line.order_item_id in quantities:
            raise ApiError(
                400, gettext("This item is listed twice."), f"lines.{index}.order_item_id"
            )
        quantities[line.order_item_id] = line.quantity
    return quantities


@api_bp.get("/orders/<number>/shipments")
@shopper_required
@api_spec.validate(
    resp=answers(HTTP_200=OrderShipments, HTTP_401=ErrorBody), tags=TAGS, security={"shopper": []}
)
def order_shipments(number: str):
    """The parcels of one of your orders: carrier, status, expected day, timeline, contents."""
    order = own_order(number)
    scope = acts_on(order)
    parcels = holding(parcels_of(order), lines_where("tracking", order))
    offered, late = carriers(scope), delayed_of(parcels)
    return OrderShipments(
        order_number=order.number, items=[shipment_out(p, offered, late) for p in parcels]
    )


@api_bp.post("/admin/orders/<number>/shipments")
@key_required("orders:write")
@idempotent
@api_spec.validate(
    json=ShipmentIn,
    resp=answers(
        HTTP_201=ShipmentOut,
        HTTP_401=ErrorBody,
        HTTP_403=ErrorBody,
        HTTP_409=ErrorBody,
        HTTP_415=ErrorBody,
        HTTP_422=ErrorBody,
    ),
    tags=TAGS,
    security={"merchant": []},
)
def ship(number: str, json: ShipmentIn):
    """Ship with a parcel: the order becomes shipped with its first parcel, as in the admin.

    Without `lines` the parcel holds every line tracking is on for; a line tracking is off
    for is refused, naming `lines`; an order not paid or cancelled is a 409.
    """
    order = order_by_number(number)
    scope = acts_on(order)
    try:
        shipment = create_shipment(
            order,
            json.carrier,
            json.tracking_number,
            quantities_of(json),
            current_user,
            eta=json.eta,
        )
    except ShippingError as error:
        db.session.rollback()
        status = 409 if error.field == "order" else 400
        raise ApiError(status, str(error), FIELDS.get(error.field, error.field)) from error
    db.session.commit()
    return shipment_out(shipment, carriers(scope), delayed_of([shipment])), 201


@api_bp.post("/admin/shipments/<int:shipment_id>/events")
@key_required("orders:write")
@api_spec.validate(
    json=ShipmentEventIn,
    resp=answers(HTTP_201=ShipmentOut, HTTP_401=ErrorBody, HTTP_403=ErrorBody, HTTP_415=ErrorBody),
    tags=TAGS,
    security={"merchant": []},
)
def add_event(shipment_id: int, json: ShipmentEventIn):
    """An event by hand (a call to the carrier, a parcel handed over at the counter).

    It goes in the timeline; status and expected day follow the newest event by the time
    it happened, and a delivered parcel stays delivered, as with the carrier's own events.
    """
    shipment = tenant_get(Shipment, shipment_id)
    scope = acts_on(shipment)
    record_event(
        shipment,
        TrackingUpdate(
            event_id=None,
            status=json.status,
            occurred_at=json.occurred_at or utcnow(),
            location=json.location,
            message=json.description,
        ),
        source="manual",
    )
    db.session.commit()
    return shipment_out(shipment, carriers(scope), delayed_of([shipment])), 201


@api_bp.get("/admin/shipments")
@key_required("orders:read")
@api_spec.validate(
    query=ShipmentQuery,
    resp=answers(HTTP_200=ShipmentPage, HTTP_401=ErrorBody, HTTP_403=ErrorBody),
    tags=TAGS,
    security={"merchant": []},
)
def shipments(query: ShipmentQuery):
    """Every parcel of the shop, newest first, or one tab of the admin's list of them."""
    late = stalled(silence_limits(g.merchant), utcnow())
    listing = tenant_select(Shipment).options(
        joinedload(Shipment.order, innerjoin=True),
        raiseload(Shipment.items),
        raiseload(Shipment.events),
    )
    rows, cursor = keyset(filtered(listing, query.show, late), [Shipment.id], query)
    offered, delayed = carriers(g.scope), delayed_of(rows)
    return ShipmentPage(items=[summary(s, offered, delayed) for s in rows], next_cursor=cursor)
