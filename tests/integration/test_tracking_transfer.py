"""Parcels travel with a shop, and an approved exchange becomes a pending parcel."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from flask import current_app
from sqlalchemy import delete, select

from storefront import call_hook, db, emit
from storefront.plugins.tracking.carriers import TrackingUpdate
from storefront.plugins.tracking.models import Shipment, ShipmentItem, TrackingEvent
from storefront.plugins.tracking.shipping import create_shipment, record_event


@pytest.fixture
def storefront_plugins():
    return ["tracking"]


def test_round_trip(shop, make):
    order = make.order(shop.alpha, shop.alice, shop.sneaker)
    parcel = create_shipment(order, "sf", "SF1234567890123", None, None)
    record_event(
        parcel, TrackingUpdate("e1", "in_transit", datetime(2026, 11, 20, tzinfo=UTC), "Suzhou")
    )
    db.session.commit()
    hook = current_app.extensions["storefront"].plugins.hook
    (exported,) = [r for r in hook.export_merchant_data(merchant=shop.alpha) if r]
    for model in (TrackingEvent, ShipmentItem, Shipment):
        db.session.execute(delete(model))
    hook.import_merchant_data(merchant=shop.alpha, data={"tracking": exported})
    db.session.commit()
    back = db.session.scalar(select(Shipment))
    assert (back.tracking_number, back.status, back.order_id) == (
        "SF1234567890123",
        "in_transit",
        order.id,
    )
    assert [e.location for e in back.events] == ["Suzhou"]
    assert back.items[0].quantity == 1


def test_exchange_ready_to_ship_creates_a_pending_parcel(shop, make, deliver_events):
    order = make.order(shop.alpha, shop.alice, shop.sneaker, status="completed")
    item = order.items[0]
    emit(
        "exchange_ready_to_ship",
        merchant=shop.alpha,
        order=order,
        items=[{"order_item_id": item.id, "variant_id": item.variant_id, "quantity": 1}],
        reference="RMA-20261123-7K3Q",
    )
    db.session.commit()
    deliver_events()
    parcel = db.session.scalar(select(Shipment).where(Shipment.reference == "RMA-20261123-7K3Q"))
    assert parcel.carrier == "manual" and order.status == "completed"
    assert call_hook("order_delivered_at", order=order) == []
