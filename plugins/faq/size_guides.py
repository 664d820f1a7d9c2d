"""Default size tables per category kind, and the shoe finder's arithmetic.

Tables are plain data ({"columns": [...], "rows": [[...], ...]}) so a merchant can edit
them in the admin as text and a theme can render them however it likes.
"""

from __future__ import annotations

from dataclasses import dataclass

from storefront import lazy_gettext as _l
from storefront import whole_number

DEFAULT_TABLES: dict[str, dict] = {
    "bedding": {
        "columns": ["Bed width", "Duvet cover (cm)", "Fitted sheet (cm)", "Pillowcase (cm)"],
        "rows": [
            ["1.2 m", "150 × 200", "120 × 200 × 30", "48 × 74"],
            ["1.5 m", "200 × 230", "150 × 200 × 30", "48 × 74"],
            ["1.8 m", "220 × 240", "180 × 200 × 30", "48 × 74"],
            ["2.0 m", "240 × 260", "200 × 220 × 30", "51 × 76"],
        ],
    },
    "shoes": {
        "columns": ["Foot length (mm)", "CN", "EU", "US (men)", "US (women)", "UK"],
        "rows": [
            ["225", "35", "35", "4", "5", "2.5"],
            ["230", "36", "36", "4.5", "5.5", "3.5"],
            ["235", "37", "37", "5", "6.5", "4"],
            ["240", "38", "38", "6", "7", "5"],
            ["245", "39", "39", "6.5", "8", "6"],
            ["250", "40", "40", "7", "8.5", "6.5"],
            ["255", "41", "41", "8", "9.5", "7"],
            ["260", "42", "42", "8.5", "10", "8"],
            ["265", "43", "43", "9.5", "11", "9"],
            ["270", "44", "44", "10", "11.5", "9.5"],
            ["275", "45", "45", "11", "12.5", "10.5"],
        ],
    },
    "apparel": {
        "columns": ["Size", "Chest (cm)", "Waist (cm)", "Hip (cm)", "Length (cm)"],
        "rows": [
            ["S", "86–90", "70–74", "88–92", "66"],
            ["M", "91–95", "75–79", "93–97", "69"],
            ["L", "96–100", "80–84", "98–102", "72"],
            ["XL", "101–106", "85–90", "103–108", "74"],
            ["XXL", "107–112", "91–96", "109–114", "76"],
        ],
    },
}

# The default tables' headings, translated when shown; a merchant's own headings show as typed.
COLUMN_LABELS = {
    "Bed width": _l("Bed width"),
    "Duvet cover (cm)": _l("Duvet cover (cm)"),
    "Fitted sheet (cm)": _l("Fitted sheet (cm)"),
    "Pillowcase (cm)": _l("Pillowcase (cm)"),
    "Foot length (mm)": _l("Foot length (mm)"),
    "US (men)": _l("US (men)"),
    "US (women)": _l("US (women)"),
    "Size": _l("Size"),
    "Chest (cm)": _l("Chest (cm)"),
    "Waist (cm)": _l("Waist (cm)"),
    "Hip (cm)": _l("Hip (cm)"),
    "Length (cm)": _l("Length (cm)"),
}


def column_label(heading: str) -> str:
    return str(COLUMN_LABELS.get(heading, heading))


DEFAULT_NOTES = {
    "bedding": _l("Measure your mattress: the duvet cover should hang 20–30 cm over each side."),
    "shoes": _l("Wide feet: choose half a size up. Measure in the evening, when feet are largest."),
    "apparel": _l("Measurements are of the body, not the garment. Between sizes, size up."),
}

FOOT_MIN_MM, FOOT_MAX_MM = 200, 320


class FootLengthError(ValueError):
    """The shopper typed something that is not a foot length."""


def parse_foot_length(raw: str) -> int:
    text = (raw or "").strip().lower().removesuffix("mm").strip()
    value = whole_number(text)
    if value is None:
        raise FootLengthError(_l("Enter your foot length in millimetres, e.g. 250."))
    if not FOOT_MIN_MM <= value <= FOOT_MAX_MM:
        raise FootLengthError(
            _l(
                "A foot length between %(low)d and %(high)d mm, please.",
                low=FOOT_MIN_MM,
                high=FOOT_MAX_MM,
            )
        )
    return value


@dataclass(frozen=True)
class SizeMatch:
    row: list[str]
    columns: list[str]


def find_shoe_size(table: dict, foot_mm: int) -> SizeMatch | None:
    """The first row whose foot length is at least the shopper's (rows are in mm order)."""
    for row in table.get("rows", []):
        try:
            if int(str(row[0]).split("–")[0]) >= foot_mm:
                return SizeMatch(row=row, columns=table["columns"])
        except (ValueError, IndexError):
            continue
    return None


def finds_shoe_sizes(kind: str) -> bool:
    """Only a shoe table is read by foot length; others are read by eye."""
    return kind == "shoes"


def size_for_foot(table: dict, foot_mm: int) -> SizeMatch:
    """The shopper's size; FootLengthError when the foot is longer than the table goes."""
    match = find_shoe_size(table, foot_mm)
    if match is None:
        raise FootLengthError(_l("That is longer than the sizes in this table; please contact us."))
    return match


def table_to_text(table: dict) -> str:
    """One line per row, cells separated by " | ", header first: easy to edit in a textarea."""
    lines = [" | ".join(table.get("columns", []))]
    lines += [" | ".join(str(c) for c in row) for row in table.get("rows", [])]
    return "\n".join(lines)


def text_to_table(text: str) -> dict:
    """Parse what `table_to_text` writes; every row must have as many cells as the header."""
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    if len(lines) < 2:
        raise ValueError(_l("Write a header line and at least one row."))
    columns = [c.strip() for c in lines[0].split("|")]
    rows = []
    for number, line in enumerate(lines[1:], start=2):
        cells = [c.strip() for c in line.split("|")]
        if len(cells) != len(columns):
            raise ValueError(
                _l(
                    "Line %(line)d has %(found)d cells; the header has %(wanted)d.",
                    line=number,
                    found=len(cells),
                    wanted=len(columns),
                )
            )
        rows.append(cells)
    return {"columns": columns, "rows": rows}
