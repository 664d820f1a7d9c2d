"""The aggregator's webhook (the shopper's timeline is an order panel, see __init__)."""

from __future__ import annotations

from flask import Blueprint, g, jsonify, request
from sqlalchemy import select

from storefront import Scope, csrf, db, limiter

from .models import Shipment
from .shipping import record_event
from .webhook import WebhookError, parse_event, verify

shop_bp = Blueprint(
    "tracking",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/tracking-static",
)


@shop_bp.route("/shop/<merchant>/tracking/webhook", methods=["POST"])
@csrf.exempt
@limiter.limit("600 per minute")
def webhook():
    """Carrier news for the shop's parcels: one address per shop, so its shop-wide secret."""
    body = request.get_data(cache=True)
    try:
        verify(
            Scope(g.merchant).settings("tracking")["webhook_secret"],
            request.headers.get("X-Tracking-Timestamp"),
            request.headers.get("X-Tracking-Signature"),
            body,
        )
        number, update = parse_event(request.get_json(silent=True))
    except WebhookError as error:
        return jsonify(error=error.message, field=error.field), error.status
    shipment = db.session.scalar(
        select(Shipment).where(
            Shipment.merchant_id == g.merchant.id, Shipment.tracking_number == number
        )
    )
    if shipment is None:
        return jsonify(error="unknown tracking number", field="tracking_number"), 404
    recorded = record_event(shipment, update)
    status = shipment.status  # read before the commit expires the parcel
    db.session.commit()
    return jsonify(recorded=recorded, status=status)
