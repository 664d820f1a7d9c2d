"""An order_placed handler that takes its time, for killing a worker in the middle of it.

It works across processes through files in `SLOW_EVENTS_DIR`: `started` gets a line when
a delivery begins, `delivered` when it ends; while `hold` exists the handler waits.
"""

import os
import time
from pathlib import Path

from storefront import PluginInfo, hookimpl

info = PluginInfo(name="core_slow_events", title="Slow event handler", version="1.0")


def _append(name: str, line: str) -> None:
    with open(Path(os.environ["SLOW_EVENTS_DIR"]) / name, "a") as handle:
        handle.write(line + "\n")


@hookimpl
def order_placed(order):
    _append("started", order.number)
    hold = Path(os.environ["SLOW_EVENTS_DIR"]) / "hold"
    deadline = time.monotonic() + 60
    while hold.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    _append("delivered", order.number)
