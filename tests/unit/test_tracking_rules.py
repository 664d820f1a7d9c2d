"""Carrier number patterns and webhook signatures."""

from __future__ import annotations

import pytest

from storefront.plugins.tracking.carriers import BUILT_IN
from storefront.plugins.tracking.webhook import WebhookError, parse_event, sign, verify

CARRIERS = {c.code: c for c in BUILT_IN}


@pytest.mark.parametrize(
    "code, good, bad",
    [
        ("sf", "SF1234567890123", "SF12345"),
        ("yto", "YT1234567890123", "YT12"),
        ("jd", "JDVA00012345678", "JD1"),
        ("ems", "EA123456789CN", "EA123456789US"),
        ("sto", "773012345678901", "123"),
        ("manual", "PARCEL-42", "x"),
    ],
)
def test_carrier_patterns(code, good, bad):
    assert CARRIERS[code].valid(good)
    assert not CARRIERS[code].valid(bad)


def test_tracking_page_urls():
    assert CARRIERS["sf"].url("SF1").endswith("/SF1")
    assert CARRIERS["manual"].url("X") is None


def test_a_fresh_signature_verifies():
    body = b'{"id": "1"}'
    verify("s" * 20, "1000", sign("s" * 20, "1000", body), body, now=1100)


@pytest.mark.parametrize(
    "timestamp, signature, now, field",
    [
        (None, "abc", 1000, "signature"),
        ("1000", None, 1000, "signature"),
        ("soon", "abc", 1000, "timestamp"),
        ("1000", "SIGN", 1301, "timestamp"),
        ("1000", "0" * 64, 1000, "signature"),
    ],
)
def test_bad_signatures_are_refused(timestamp, signature, now, field):
    body = b"{}"
    if signature == "SIGN":
        signature = sign("s" * 20, "1000", body)
    with pytest.raises(WebhookError) as caught:
        verify("s" * 20, timestamp, signature, body, now=now)
    assert caught.value.field == field


def test_a_tampered_body_is_refused():
    signature = sign("s" * 20, "1000", b'{"status": "delivered"}')
    with pytest.raises(WebhookError):
        verify("s" * 20, "1000", signature, b'{"status": "exception"}', now=1000)


@pytest.mark.parametrize(
    "data, field",
    [
        ([], "body"),
        ({"tracking_number": "SF1", "status": "in_transit", "time": "2026-11-20T10:00"}, "id"),
        (
            {"id": "e", "tracking_number": "SF1", "status": "lost", "time": "2026-11-20T10:00"},
            "status",
        ),
        (
            {"id": "e", "tracking_number": "SF1", "status": "in_transit", "time": "yesterday"},
            "time",
        ),
    ],
)
def test_event_payload_errors_name_the_key(data, field):
    with pytest.raises(WebhookError) as caught:
        parse_event(data)
    assert caught.value.field == field
