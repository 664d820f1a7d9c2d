"""Ids, page numbers and whole numbers: any text in, a value in range or None out."""

from __future__ import annotations

from flask import Flask
from hypothesis import given
from hypothesis import strategies as st

from storefront.inputs import (
    EARLIEST,
    LATEST,
    MAX_ID,
    MAX_PAGE,
    page_number,
    parse_id,
    utc_time,
    whole_number,
)

app = Flask(__name__)


@given(st.text())
def test_whole_number_never_raises_and_stays_in_range(raw):
    value = whole_number(raw, 0, 1000)
    plain = raw.isascii() and raw.isdecimal() and len(raw) <= 10
    assert value == (int(raw) if plain and int(raw) <= 1000 else None)


@given(st.text(alphabet=st.characters(categories=["Nd", "No"]), min_size=1, max_size=4))
def test_only_ascii_digits_are_numbers(raw):
    expected = int(raw) if raw.isascii() and raw.isdecimal() else None
    assert whole_number(raw) == (expected if expected is None or expected <= MAX_ID else None)


def test_unicode_digits_and_signs_are_refused():
    for raw in ("²", "١٢", "-1", "+1", " 1", "1 ", "1e3", "0x10", "", "9" * 11):
        assert whole_number(raw) is None, raw


@given(st.integers())
def test_ids_are_positive_and_fit_a_32_bit_column(number):
    found = parse_id(str(number))
    assert found == (number if 0 < number <= MAX_ID else None)
    assert parse_id(number) == found


@given(st.text(max_size=40))
def test_any_page_argument_is_a_page_that_can_exist(raw):
    with app.test_request_context("/", query_string={"page": raw}):
        page = page_number()
    assert 1 <= page <= MAX_PAGE


def test_page_numbers_past_the_end_ask_for_the_end():
    for raw, expected in (("3", 3), ("0", 1), ("junk", 1), (str(10**30), MAX_PAGE), ("²", 1)):
        with app.test_request_context("/", query_string={"page": raw}):
            assert page_number() == expected, raw
    with app.test_request_context("/", query_string={"page": "50"}):
        assert page_number(last=7) == 7


@given(st.text(max_size=70))
def test_any_text_is_a_stored_time_or_none(raw):
    found = utc_time(raw)
    assert found is None or (EARLIEST <= found < LATEST and found.utcoffset().total_seconds() == 0)


def test_times_at_the_edge_of_pythons_range_are_refused_not_overflowed():
    for raw in ("0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00", "1999-12-31T23:59Z"):
        assert utc_time(raw) is None, raw
    assert utc_time("2026-12-07T10:00:00+08:00").hour == 2
