"""From foot length to a European shoe size: Paris points of 2/3 cm of shoe length."""

from __future__ import annotations

from dataclasses import dataclass

from storefront import lazy_gettext as _l

PARIS_POINT_MM = 20 / 3
MIN_FOOT_MM, MAX_FOOT_MM = 150, 330


class FootLengthError(ValueError):
    """The foot length given cannot be used; the message says what to enter."""


@dataclass(frozen=True)
class Advice:
    foot_mm: int
    eu_size: int
    best_size: str | None
    in_stock: bool


def parse_foot_length(raw: str) -> int:
    try:
        value = round(float(raw.strip().replace(",", ".")))
    except ValueError:
        raise FootLengthError(_l("Enter your foot length in millimetres, e.g. 255.")) from None
    if not MIN_FOOT_MM <= value <= MAX_FOOT_MM:
        raise FootLengthError(
            _l(
                "Foot length must be between %(low)d and %(high)d mm.",
                low=MIN_FOOT_MM,
                high=MAX_FOOT_MM,
            )
        )
    return value


def eu_size(foot_mm: int, extra_room_mm: int) -> int:
    """Shoe length is foot plus room; EU sizes count Paris points of shoe length."""
    return round((foot_mm + extra_room_mm) / PARIS_POINT_MM)


def advise(foot_mm: int, extra_room_mm: int, variants) -> Advice:
    """The EU size and the nearest size of this shoe at or above it, preferring stock."""
    target = eu_size(foot_mm, extra_room_mm)
    numeric = sorted(
        (int(v.size), v) for v in variants if v.size and v.size.isdigit() and int(v.size) >= target
    )
    in_stock = [(size, v) for size, v in numeric if v.stock > 0]
    chosen = in_stock[0] if in_stock else (numeric[0] if numeric else None)
    return Advice(
        foot_mm=foot_mm,
        eu_size=target,
        best_size=str(chosen[0]) if chosen else None,
        in_stock=bool(chosen and chosen[1].stock > 0),
    )
