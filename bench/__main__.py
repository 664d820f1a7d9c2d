"""`python -m bench [--quick] [--postgres URL]`: print every figure and write bench/RESULTS.md."""

from __future__ import annotations

import argparse
import os
import platform
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path

from . import dispatch, pages

HERE = Path(__file__).resolve().parent


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer rounds, for a smoke run")
    parser.add_argument("--postgres", help="also measure pages on this PostgreSQL URL")
    args = parser.parse_args()
    rounds = 30 if args.quick else 200
    sections = {"Hook dispatch": dispatch.run(number=2_000 if args.quick else 20_000)}
    sections["Product page, SQLite"] = pages.run(rounds)
    if args.postgres:
        sections["Product page, PostgreSQL"] = pages.run(rounds, args.postgres)
    lines = ["# Benchmark results", "", *machine(), ""]
    for title, figures in sections.items():
        print(f"\n{title}")
        lines += [f"## {title}", "", "| figure | value |", "|---|---|"]
        for name, value in figures.items():
            shown = f"{value:.2f}" if isinstance(value, float) else str(value)
            print(f"  {name:<45} {shown}")
            lines.append(f"| {name} | {shown} |")
        lines.append("")
    (HERE / "RESULTS.md").write_text("\n".join(lines))
    print(f"\nwritten {HERE / 'RESULTS.md'}")


if __name__ == "__main__":
    main()
