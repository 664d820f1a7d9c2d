"""The webhook's parser keeps an event id whole or refuses it, naming `id`."""

from __future__ import annotations

import pytest

from storefront.plugins.tracking.webhook import WebhookError, parse_event


def payload(event_id: str) -> dict:
    return {
        "id": event_id,
        "tracking_number": "sf1234567890123",
        "status": "in_transit",
        "time": "2026-11-20T10:00:00Z",
    }


def test_an_80_character_id_is_kept_whole():
    event_id = "x" * 64 + "0123456789abcdef"
    _, update = parse_event(payload(event_id))
    assert update.event_id == event_id


def test_an_id_past_255_characters_is_refused_not_cut():
    parse_event(payload("x" * 255))
    with pytest.raises(WebhookError) as refused:
        parse_event(payload("x" * 256))
    assert (refused.value.status, refused.value.field) == (400, "id")
