"""A sign-in's device in words ("Chrome on Android") from its User-Agent, for the account page.

Only the handful of browsers and systems shoppers use are named; anything else is shown
as an unknown browser rather than as a raw header.
"""

from __future__ import annotations

from flask_babel import gettext as _

BROWSERS = [
    ("MicroMessenger", "WeChat"),
    ("Edg/", "Edge"),
    ("OPR/", "Opera"),
    ("Firefox/", "Firefox"),
    ("Chrome/", "Chrome"),
    ("Chromium/", "Chromium"),
    ("Safari/", "Safari"),
]
SYSTEMS = [
    ("iPhone", "iPhone"),
    ("iPad", "iPad"),
    ("Android", "Android"),
    ("HarmonyOS", "HarmonyOS"),
    ("Windows", "Windows"),
    ("Mac OS X", "macOS"),
    ("CrOS", "ChromeOS"),
    ("Linux", "Linux"),
]


def _first(agent: str, table: list[tuple[str, str]]) -> str | None:
    return next((name for token, name in table if token in agent), None)


def describe(agent: str | None) -> str:
    agent = agent or ""
    browser, system = _first(agent, BROWSERS), _first(agent, SYSTEMS)
    if browser and system:
        return _("%(browser)s on %(system)s", browser=browser, system=system)
    return browser or system or _("Unknown browser")
