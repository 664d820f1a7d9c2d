"""The tracking API's bodies and answers (the OpenAPI document is generated from these),
and the presenters that make the answers from parcels and their events.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from storefront import utc_time
from storefront.api import Page, PageQuery

from .admin_views import FILTERS
from .carriers import STATUS_LABELS, STATUSES, Carrier
from .models import Shipment, TrackingEvent
from .queries import PROBLEMS

ID_MAX = 2**31 - 1  # row ids are 32-bit on PostgreSQL
StatusCode = Literal[tuple(STATUSES)]
EventStatus = Literal[tuple(s for s in STATUSES if s != "pending")]
ListView = Literal[tuple(FILTERS)]


def _stored_time(value: datetime) -> datetime:
    """Aware UTC (a time without a zone is UTC), within the years a shop records."""
    found = utc_time(value.isoformat())
    if found is None:
        raise ValueError("a time between 2000 and 2099")
    return found


StoredTime = Annotated[datetime, AfterValidator(_stored_time)]


class Strict(BaseModel):
    """A body with a field the API does not know is refused, naming the field."""

    model_config = ConfigDict(extra="forbid")


class ShipmentLineIn(Strict):
    order_item_id: int = Field(ge=1, le=ID_MAX)
    quantity: int = Field(ge=1, le=10_000)


class ShipmentIn(Strict):
    carrier: str = Field(min_length=1, max_length=32, description="A carrier code: sf, zto, ...")
    tracking_number: str = Field(min_length=1, max_length=64)
    lines: list[ShipmentLineIn] | None = Field(
        None,
        min_length=1,
        max_length=100,
        description="What is in the parcel; every tracked line, whole, when left out",
    )
    eta: StoredTime | None = Field(None, description="When the shop expects it delivered")


class ShipmentEventIn(Strict):
    status: EventStatus
    description: str = Field(min_length=1, max_length=500)
    location: str = Field("", max_length=200)
    occurred_at: StoredTime | None = Field(None, description="Now when left out")


class ShipmentQuery(PageQuery):
    show: ListView = Field(
        "all",
        description="in_transit, exception (problems), delayed (no news for longer than "
        "its category allows), delivered; all by default",
    )


class TrackingCarrierOut(BaseModel):
    code: str
    name: str
    tracking_url: str | None = Field(description="The carrier's own page for this parcel")


class ShipmentLineOut(BaseModel):
    order_item_id: int
    product_name: str
    size: str | None
    colour: str | None
    quantity: int


class ShipmentEventOut(BaseModel):
    status: StatusCode
    label: str
    occurred_at: datetime
    location: str
    description: str
    source: str = Field(description="webhook (from the carrier) or manual (by the shop)")


class ShipmentSummary(BaseModel):
    id: int
    order_number: str
    carrier: TrackingCarrierOut
    tracking_number: str
    status: StatusCode
    status_label: str
    eta: datetime | None
    delivered_at: datetime | None
    last_event_at: datetime | None
    delayed: bool = Field(description="Past its expected day, or no news for too long")
    exception: bool = Field(description="The carrier reports a problem or a failed attempt")
    created_at: datetime


class ShipmentOut(ShipmentSummary):
    order_status: str
    lines: list[ShipmentLineOut]
    events: list[ShipmentEventOut] = Field(description="Newest first")


class OrderShipments(BaseModel):
    order_number: str
    items: list[ShipmentOut]


class ShipmentPage(Page[ShipmentSummary]):
    pass


# -- presenters ----------------------------------------------------------------------------


def carrier_out(shipment: Shipment, carriers: dict[str, Carrier]) -> TrackingCarrierOut:
    carrier = carriers.get(shipment.carrier)
    return TrackingCarrierOut(
        code=shipment.carrier,
        name=str(carrier.name) if carrier else shipment.carrier,
        tracking_url=carrier.url(shipment.tracking_number) if carrier else None,
    )


def summary_fields(shipment: Shipment, carriers: dict[str, Carrier], delayed: set[int]) -> dict:
    return {
        "id": shipment.id,
        "order_number": shipment.order.number,
        "carrier": carrier_out(shipment, carriers),
        "tracking_number": shipment.tracking_number,
        "status": shipment.status,
        "status_label": str(STATUS_LABELS[shipment.status]),
        "eta": shipment.eta,
        "delivered_at": shipment.delivered_at,
        "last_event_at": shipment.last_event_at,
        "delayed": shipment.id in delayed,
        "exception": shipment.status in PROBLEMS,
        "created_at": shipment.created_at,
    }


def event_out(event: TrackingEvent) -> ShipmentEventOut:
    return ShipmentEventOut(
        status=event.status,
        label=str(STATUS_LABELS[event.status]),
        occurred_at=event.occurred_at,
        location=event.location or "",
        description=event.message or "",
        source=event.source,
    )


def shipment_out(
    shipment: Shipment, carriers: dict[str, Carrier], delayed: set[int]
) -> ShipmentOut:
    """A parcel with what it carries and its timeline (its events, newest first)."""
    return ShipmentOut(
        **summary_fields(shipment, carriers, delayed),
        order_status=shipment.order.status,
        lines=[
            ShipmentLineOut(
                order_item_id=item.order_item.id,
                product_name=item.order_item.product_name,
                size=item.order_item.size,
                colour=item.order_item.colour,
                quantity=item.quantity,
            )
            for item in shipment.items
        ],
        events=[event_out(e) for e in shipment.events],
    )


def summary(shipment: Shipment, carriers: dict[str, Carrier], delayed: set[int]) -> ShipmentSummary:
    return ShipmentSummary(**summary_fields(shipment, carriers, delayed))
