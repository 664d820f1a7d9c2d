"""`python -m bench [--quick] [--postgres URL] [--only NAME]`: print figures, write RESULTS.md."""

from __future__ import annotations

import argparse
import os
import platform
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path

from . import dispatch, pages, scale, throughput

HERE = Path(__file__).resolve().parent
Figures = dict[str, float | str]


@dataclass(frozen=True)
class Section:
    """One titled table of RESULTS.md; `name` is what `--only` selects."""

    name: str
    title: str
    measure: Callable[[], Figures]
    markdown: Callable[[Figures], list[str]] | None = None


def machine() -> list[str]:
    cpu = platform.processor() or "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f", {kb / 1024 / 1024:.0f} GiB RAM"
    except (OSError, ValueError, IndexError):
        pass
    libraries = ", ".join(
        f"{name} {version(name)}" for name in ("flask", "sqlalchemy", "pluggy", "jinja2")
    )
    return [
        f"- date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        f"- machine: {cpu}, {os.cpu_count()} cores{memory}",
        f"- Python {platform.python_version()}; {libraries}",
    ]


def plan(quick: bool, postgres: str | None) -> list[Section]:
    """Every section in order; `--quick` shortens each (fewer rounds, one 2 s wrk run per URL)."""
    rounds = 30 if quick else 200
    calls = 2_000 if quick else 20_000
    sections = [
        Section("dispatch", "Hook dispatch", lambda: dispatch.run(number=calls)),
        Section("pages", "Product page, SQLite", lambda: pages.run(rounds)),
    ]
    if postgres:
        sections.append(
            Section("pages", "Product page, PostgreSQL", lambda: pages.run(rounds, postgres))
        )
    sections.append(
        Section(
            "throughput",
            "Throughput",
            lambda: throughput.run(postgres, 2 if quick else 10, 1 if quick else 3),
        )
    )
    scale_rounds = 5 if quick else 25
    sections.append(
        Section(
            "scale",
            "Scale and SQL per page",
            lambda: scale.run(None, scale_rounds),
            scale.markdown,
        )
    )
    if postgres:
        sections.append(
            Section(
                "scale",
                "Scale and SQL per page, PostgreSQL",
                lambda: scale.run(postgres, scale_rounds),
                scale.markdown,
            )
        )
    return sections


def table(figures: Figures) -> list[str]:
    lines = ["| figure | value |", "|---|---|"]
    for name, value in figures.items():
        shown = f"{value:.2f}" if isinstance(value, float) else str(value)
        lines.append(f"| {name} | {shown} |")
    return lines


def run_section(section: Section) -> list[str]:
    """Measure one section, print it as soon as it is done, return its markdown."""
    print(f"\n{section.title}", flush=True)
    figures = section.measure()
    body = (section.markdown or table)(figures)
    for line in body:
        print(f"  {line}")
    return [f"## {section.title}", "", *body, ""]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer rounds, for a smoke run")
    parser.add_argument("--postgres", help="also measure on this PostgreSQL URL")
    parser.add_argument(
        "--only",
        choices=("dispatch", "pages", "throughput", "scale"),
        help="run one section; RESULTS.md is left as it is",
    )
    args = parser.parse_args()
    lines = ["# Benchmark results", "", *machine(), ""]
    for section in plan(args.quick, args.postgres):
        if args.only in (None, section.name):
            lines += run_section(section)
    if args.only:
        print("\nRESULTS.md not written (--only runs part of the benchmark)")
        return
    (HERE / "RESULTS.md").write_text("\n".join(lines))
    print(f"\nwritten {HERE / 'RESULTS.md'}")


if __name__ == "__main__":
    main()
