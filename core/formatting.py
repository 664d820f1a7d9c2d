"""Jinja filters: money and dates formatted by Babel in the current locale and time zone."""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache

import markdown as markdown_lib
import nh3
from babel import Locale, dates, numbers
from flask import Flask
from flask_babel import format_datetime, get_locale, to_user_timezone
from markupsafe import Markup

ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "ul",
    "ol",
    "li",
    "a",
    "code",
    "pre",
    "blockquote",
    "h3",
    "h4",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
}


def money(amount_minor: int | None, currency: str = "CNY") -> str:
    if amount_minor is None:
        return ""
    return _money(amount_minor, currency, get_locale())


@lru_cache(maxsize=8192)
def _money(amount_minor: int, currency: str, locale: Locale) -> str:
    """Babel formats a price in tens of microseconds; a page shows the same few many times."""
    return numbers.format_currency(amount_minor / 100, currency, locale=locale)


def when(value: datetime | None, style: str = "medium") -> str:
    return format_datetime(value, style) if value else ""


def day(value: datetime | None) -> str:
    if not value:
        return ""
    local = to_user_timezone(value) if isinstance(value, datetime) else value
    return _day(local.date() if isinstance(local, datetime) else local, get_locale())


@lru_cache(maxsize=8192)
def _day(value: date, locale: Locale) -> str:
    return dates.format_date(value, "medium", locale=locale)


def markdown(text: str | None) -> Markup:
    """Markdown rendered and sanitised: merchants write it, shoppers read it."""
    return Markup(_rendered(text or ""))


@lru_cache(maxsize=4096)
def _rendered(text: str) -> str:
    """Cached by the text itself: the same answer on every product page is rendered once.

    Building a Markdown parser and sanitising cost about a millisecond per text, which a
    page with fifty FAQ entries paid on every request.
    """
    html = markdown_lib.markdown(text, extensions=["tables"])
    return nh3.clean(html, tags=ALLOWED_TAGS, link_rel="nofollow noopener")


def register_filters(app: Flask) -> None:
    app.jinja_env.filters["money"] = money
    app.jinja_env.filters["when"] = when
    app.jinja_env.filters["day"] = day
    app.jinja_env.filters["markdown"] = markdown
