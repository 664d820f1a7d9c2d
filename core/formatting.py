"""Jinja filters: money and dates formatted by Babel in the current locale and time zone."""

from __future__ import annotations

from datetime import datetime

import markdown as markdown_lib
import nh3
from flask import Flask
from flask_babel import format_currency, format_date, format_datetime
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
    return format_currency(amount_minor / 100, currency)


def when(value: datetime | None, style: str = "medium") -> str:
    return format_datetime(value, style) if value else ""


def day(value: datetime | None) -> str:
    return format_date(value, "medium") if value else ""


def markdown(text: str | None) -> Markup:
    """Markdown rendered and sanitised: merchants write it, shoppers read it."""
    html = markdown_lib.markdown(text or "", extensions=["tables"])
    return Markup(nh3.clean(html, tags=ALLOWED_TAGS, link_rel="nofollow noopener"))


def register_filters(app: Flask) -> None:
    app.jinja_env.filters["money"] = money
    app.jinja_env.filters["when"] = when
    app.jinja_env.filters["day"] = day
    app.jinja_env.filters["markdown"] = markdown
