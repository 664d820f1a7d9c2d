"""Requests per second over real HTTP: gunicorn (2 workers) measured with wrk.

The product-page benchmark (`pages.py`) times the server's work in-process; this one adds
what a deployment adds (sockets, gunicorn's workers, concurrency of 8 connections) and
compares the product and category pages against a bare Flask app serving the same product
from the same database (`bare_app.py`) under the same load. Only 127.0.0.1 is loaded.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from . import scratch
from .pages import PLUGINS, seed, shop_app

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = Path(sys.executable).parent / "gunicorn"
WORKERS = 2
WRK = ["-t2", "-c8", "--latency"]
UNIT_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}
LATENCY = re.compile(r"^\s*(50|99)%\s+([\d.]+)(us|ms|s|m)\s*$", re.MULTILINE)
RPS = re.compile(r"^Requests/sec:\s+([\d.]+)", re.MULTILINE)
NON_2XX = re.compile(r"Non-2xx or 3xx responses:\s+(\d+)")
SOCKET_ERRORS = re.compile(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)")


@dataclass(frozen=True)
class WrkResult:
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int


def parse_wrk(output: str) -> WrkResult:
    """Requests/sec, p50 and p99 (in ms) and failed requests from `wrk --latency` output."""
    rps = RPS.search(output)
    latencies = {p: float(v) * UNIT_MS[u] for p, v, u in LATENCY.findall(output)}
    if rps is None or set(latencies) != {"50", "99"}:
        raise RuntimeError(f"could not read wrk's output:\n{output}")
    errors = sum(int(n) for n in NON_2XX.findall(output))
    socket_errors = SOCKET_ERRORS.search(output)
    if socket_errors:
        errors += sum(int(n) for n in socket_errors.groups())
    return WrkResult(float(rps.group(1)), latencies["50"], latencies["99"], errors)


def warm_up(url: str) -> None:
    """One second of load so every worker has compiled its templates and filled its caches."""
    subprocess.run(["wrk", "-t2", "-c8", "-d1s", url], check=True, capture_output=True)


def wrk(url: str, seconds: int) -> WrkResult:
    done = subprocess.run(
        ["wrk", *WRK, f"-d{seconds}s", url], check=True, capture_output=True, text=True
    )
    return parse_wrk(done.stdout)


def median_result(runs: list[WrkResult]) -> WrkResult:
    return WrkResult(
        statistics.median(r.rps for r in runs),
        statistics.median(r.p50_ms for r in runs),
        statistics.median(r.p99_ms for r in runs),
        sum(r.errors for r in runs),
    )


def load_in_turns(urls: dict[str, str], seconds: int, repeats: int) -> dict[str, WrkResult]:
    """Each URL in turn, `repeats` times, medians kept.

    Taking turns spreads whatever else the machine does over every URL alike, so the
    ratios stay meaningful on a busy or small machine where absolute figures drift.
    """
    for url in urls.values():
        warm_up(url)
    runs: dict[str, list[WrkResult]] = {label: [] for label in urls}
    for _ in range(repeats):
        for label, url in urls.items():
            runs[label].append(wrk(url, seconds))
    return {label: median_result(found) for label, found in runs.items()}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_env(folder: str, url: str) -> dict[str, str]:
    """The caller's environment minus anything that would change the app's mode or secret."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("STOREFRONT_ENV", "STOREFRONT_SECRET_KEY", "STOREFRONT_PLUGINS")
    }
    env.update(
        STOREFRONT_INSTANCE_PATH=folder,
        DATABASE_URL=url,
        SECRET_KEY="bench-throughput",
        STOREFRONT_PLUGINS=",".join(PLUGINS),
    )
    return env


def wait_until_up(process: subprocess.Popen, url: str, log: Path, timeout: float = 60) -> None:
    """Poll until the page answers 200; fail with gunicorn's log if it dies or never does."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited ({process.returncode}):\n{log.read_text()}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {timeout:.0f}s:\n{log.read_text()}")


def stop(process: subprocess.Popen) -> None:
    """SIGTERM lets the master stop its workers; the group is killed if that hangs."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


@contextmanager
def gunicorn(target: str, env: dict[str, str], probe: str, log: Path) -> Iterator[str]:
    """Serve `target` with 2 workers on a free local port; yields the base URL."""
    base = f"http://127.0.0.1:{free_port()}"
    command = [str(GUNICORN), "-w", str(WORKERS), "-b", base.removeprefix("http://")]
    with log.open("wb") as out:
        process = subprocess.Popen(
            [*command, "--chdir", str(ROOT), target],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        wait_until_up(process, base + probe, log)
        yield base
    finally:
        stop(process)


def seed_shop(folder: str, url: str) -> tuple[str, str]:
    """The product-page benchmark's shop; returns the product and category paths."""
    from storefront import db

    app = shop_app(folder, url)
    product_path = seed(app)
    with app.app_context():
        scratch.analyze(db)
        db.engine.dispose()
    return product_path, product_path.replace("/p/runner", "/c/shoes")


def figures_for(label: str, backend: str, result: WrkResult) -> dict[str, float | str]:
    figures: dict[str, float | str] = {
        f"{label} rps ({backend})": result.rps,
        f"{label} p50 ms ({backend})": result.p50_ms,
        f"{label} p99 ms ({backend})": result.p99_ms,
    }
    if result.errors:
        print(f"warning: {label} ({backend}): {result.errors} failed requests under load")
        figures[f"{label} failed requests ({backend})"] = str(result.errors)
    return figures


def measure(
    backend: str, postgres_url: str | None, seconds: int, repeats: int
) -> dict[str, float | str]:
    """Seed one database, serve it twice (Storefront and the bare app), load both in turns."""
    with scratch.database(postgres_url, "throughput") as (folder, url):
        product_path, category_path = seed_shop(folder, url)
        env, logs = server_env(folder, url), Path(folder)
        with (
            gunicorn("storefront.wsgi:app", env, product_path, logs / "storefront.log") as shop,
            gunicorn("bench.bare_app:app", env, "/p/runner", logs / "bare.log") as bare,
        ):
            urls = {
                "product page": shop + product_path,
                "category page": shop + category_path,
                "bare Flask view": bare + "/p/runner",
            }
            results = load_in_turns(urls, seconds, repeats)
    figures: dict[str, float | str] = {}
    for label, result in results.items():
        figures.update(figures_for(label, backend, result))
    ratio = results["product page"].rps / results["bare Flask view"].rps
    figures[f"product page rps / bare rps ({backend})"] = ratio
    return figures


def run(
    postgres_url: str | None = None, seconds: int = 10, repeats: int = 3
) -> dict[str, float | str]:
    """SQLite always, PostgreSQL too when a URL is given; a note instead of a crash without wrk.

    Each URL gets `repeats` wrk runs of `seconds` each; the figures are their medians.
    """
    if shutil.which("wrk") is None:
        return {"throughput": "not measured: wrk is not installed (apt-get install wrk)"}
    if not GUNICORN.exists():
        return {"throughput": f"not measured: {GUNICORN} missing (pip install gunicorn)"}
    figures = measure("SQLite", None, seconds, repeats)
    if postgres_url:
        figures.update(measure("PostgreSQL", postgres_url, seconds, repeats))
    return figures
