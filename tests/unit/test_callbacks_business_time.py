"""Business time across nights, weekends, holidays and a daylight-saving change."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from storefront.plugins.callbacks.business_time import BusinessHours, parse_holidays, parse_span

WEEK = {f"hours_{d}": "09:00-18:00" for d in ("mon", "tue", "wed", "thu", "fri")}


def shanghai(*args) -> datetime:
    from zoneinfo import ZoneInfo

    return datetime(*args, tzinfo=ZoneInfo("Asia/Shanghai"))


def hours(zone="Asia/Shanghai", **extra) -> BusinessHours:
    return BusinessHours.from_settings({**WEEK, **extra}, zone)


def test_ten_minutes_inside_opening_hours():
    due = hours().add_minutes(shanghai(2026, 11, 23, 10, 0), 10)  # a Monday
    assert due == shanghai(2026, 11, 23, 10, 10).astimezone(UTC)


def test_the_clock_stops_overnight():
    due = hours().add_minutes(shanghai(2026, 11, 23, 17, 55), 10)
    assert due == shanghai(2026, 11, 24, 9, 5).astimezone(UTC)


def test_the_weekend_and_holidays_do_not_count():
    friday_evening = shanghai(2026, 11, 27, 17, 58)
    assert hours().add_minutes(friday_evening, 10) == shanghai(2026, 11, 30, 9, 8).astimezone(UTC)
    closed_monday = hours(holidays="2026-11-30")
    assert closed_monday.add_minutes(friday_evening, 10) == shanghai(2026, 12, 1, 9, 8).astimezone(
        UTC
    )


def test_next_opening_and_is_open():
    business = hours()
    saturday = shanghai(2026, 11, 28, 12, 0)
    assert not business.is_open(saturday)
    assert business.next_opening(saturday) == shanghai(2026, 11, 30, 9, 0).astimezone(UTC)
    assert business.is_open(shanghai(2026, 11, 30, 9, 0))


def test_minutes_between_count_only_opening_time():
    business = hours()
    assert (
        business.minutes_between(shanghai(2026, 11, 27, 17, 0), shanghai(2026, 11, 30, 10, 0))
        == 120
    )


def test_daylight_saving_change_counts_real_minutes():
    from zoneinfo import ZoneInfo

    london = hours("Europe/London", hours_sun="00:00-24:00")
    # 29 March 2026: clocks jump from 01:00 to 02:00; two real hours pass between 00:30 and 03:30.
    start = datetime(2026, 3, 29, 0, 30, tzinfo=ZoneInfo("Europe/London"))
    end = datetime(2026, 3, 29, 3, 30, tzinfo=ZoneInfo("Europe/London"))
    assert london.minutes_between(start, end) == 120


def test_a_shop_that_never_opens_has_no_due_time():
    closed = BusinessHours.from_settings({}, "Asia/Shanghai")
    assert closed.add_minutes(shanghai(2026, 11, 23, 10, 0), 10) is None


@pytest.mark.parametrize("text", ["9-18", "18:00-09:00", "25:00-26:00", "09:00"])
def test_bad_spans_are_refused(text):
    with pytest.raises(ValueError):
        parse_span(text)


def test_spans_and_holidays_parse():
    assert parse_span("") is None
    assert parse_holidays("2026-10-01, 2026-10-02") == {
        datetime(2026, 10, 1).date(),
        datetime(2026, 10, 2).date(),
    }
