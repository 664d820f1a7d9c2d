"""Carriers: who can carry a parcel, what their numbers look like, where to follow them."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from storefront import call_hook
from storefront import lazy_gettext as _l

STATUSES = (
    "pending",
    "info_received",
    "in_transit",
    "out_for_delivery",
    "attempt_fail",
    "available_for_pickup",
    "delivered",
    "exception",
    "expired",
)
STATUS_LABELS = {
    "pending": _l("Pending"),
    "info_received": _l("Label created"),
    "in_transit": _l("In transit"),
    "out_for_delivery": _l("Out for delivery"),
    "attempt_fail": _l("Delivery attempt failed"),
    "available_for_pickup": _l("Ready for pickup"),
    "delivered": _l("Delivered"),
    "exception": _l("Problem with the parcel"),
    "expired": _l("Tracking expired"),
}
# Statuses the shopper hears about without asking.
NOTIFY_STATUSES = (
    "out_for_delivery",
    "attempt_fail",
    "available_for_pickup",
    "delivered",
    "exception",
)


@dataclass(frozen=True)
class TrackingUpdate:
    """One carrier event, normalised."""

    event_id: str | None
    status: str
    occurred_at: datetime
    location: str = ""
    message: str = ""
    eta: datetime | None = None


@dataclass(frozen=True)
class Carrier:
    code: str
    name: Any
    pattern: str
    url_template: str = ""
    parse: Callable[[dict], list[TrackingUpdate]] | None = field(default=None, compare=False)

    def valid(self, number: str) -> bool:
        return re.fullmatch(self.pattern, number) is not None

    def url(self, number: str) -> str | None:
        return self.url_template.format(number=number) if self.url_template else None


BUILT_IN = [
    Carrier(
        "sf",
        _l("SF Express"),
        r"SF\d{12,13}",
        "https://www.sf-express.com/chn/sc/waybill/waybill-detail/{number}",
    ),
    Carrier(
        "zto",
        _l("ZTO Express"),
        r"(?:7[3-9]|5[0-9]|2[0-9])\d{10,12}",
        "https://www.zto.com/?num={number}",
    ),
    Carrier("yto", _l("YTO Express"), r"YT\d{13}", "https://www.yto.net.cn/?num={number}"),
    Carrier("sto", _l("STO Express"), r"(?:77|88|66)\d{13}", "https://www.sto.cn/?num={number}"),
    Carrier(
        "yunda", _l("Yunda Express"), r"(?:43|46|31)\d{11}", "https://www.yundaex.com/?num={number}"
    ),
    Carrier(
        "jd",
        _l("JD Logistics"),
        r"JD[A-Z0-9]{13,15}",
        "https://www.jdl.com/orderSearch/?waybillCodes={number}",
    ),
    Carrier(
        "ems",
        _l("China Post EMS"),
        r"[A-Z]{2}\d{9}CN|1\d{12}",
        "https://www.ems.com.cn/?mailNum={number}",
    ),
    Carrier("manual", _l("Other / manual"), r"[A-Za-z0-9-]{4,40}"),
]


def carriers(scope: Any = None) -> dict[str, Carrier]:
    """Every carrier offered in this scope, built-in first, by code."""
    found: dict[str, Carrier] = {}
    for result in call_hook("tracking_carriers", scope):
        for carrier in result or []:
            found.setdefault(carrier.code, carrier)
    return found
