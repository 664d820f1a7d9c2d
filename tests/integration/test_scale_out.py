"""Several processes on one database and one Redis: web workers agree, workers lose nothing.

These tests start real processes (`storefront worker`, gunicorn) against the suite's
database (SQLite file or PostgreSQL) and the local Redis.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import pytest
from sqlalchemy import select

from storefront import db
from storefront.models import EventDelivery, OutboxEvent
from storefront.plugin_settings import set_enabled
from tests.core_helpers import TEST_PLUGINS, buy_sneaker, with_test_plugins

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


@pytest.fixture(scope="module")
def redis_url() -> str:
    """The suite's Redis; CI sets REDIS_URL, a developer's machine may have none."""
    import redis

    url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.RedisError:
        if os.environ.get("REDIS_URL"):
            raise
        pytest.skip("no Redis at 127.0.0.1:6379 (set REDIS_URL)")
    return url


@pytest.fixture
def storefront_plugins():
    return []


@pytest.fixture
def app_redis_url() -> str | None:
    """The Redis the test app itself uses (rate limits, ringing the worker); none by default."""
    return None


@pytest.fixture
def storefront_config(app_redis_url, request):
    if app_redis_url == "silent":
        app_redis_url = request.getfixturevalue("silent_redis")
    return with_test_plugins(
        "core_slow_events",
        "core_sections",
        STOREFRONT_EVENTS_INLINE=False,
        REDIS_URL=app_redis_url,
    )


@pytest.fixture
def handler_dir(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "handler"
    folder.mkdir()
    monkeypatch.setenv("SLOW_EVENTS_DIR", str(folder))
    return folder


def process_env(database_url: str, instance: Path, **extra: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("STOREFRONT_") and key not in {"DATABASE_URL", "REDIS_URL"}
    }
    plugins = ",".join(f"{TEST_PLUGINS}.{name}" for name in ("core_slow_events", "core_sections"))
    env.update(
        DATABASE_URL=database_url,
        STOREFRONT_INSTANCE_PATH=str(instance),
        STOREFRONT_PLUGINS="",
        STOREFRONT_EXTRA_PLUGINS=plugins,
        STOREFRONT_ENTRY_POINTS="0",
        STOREFRONT_EVENTS_INLINE="0",
        SECRET_KEY="scale-out-secret",
        PYTHONPATH=str(ROOT),
        **extra,
    )
    return env


def start_worker(env: dict[str, str], *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [str(BIN / "storefront"), "worker", *args],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def wait_for(condition, timeout: float = 20.0) -> float:
    """Seconds until `condition()` held; fails the test after `timeout`."""
    started = time.monotonic()
    while not condition():
        if time.monotonic() - started > timeout:
            pytest.fail(f"still waiting after {timeout} s")
        time.sleep(0.05)
    return time.monotonic() - started


def lines(path: Path) -> list[str]:
    return path.read_text().split() if path.exists() else []


def delivery() -> EventDelivery:
    db.session.expire_all()
    return db.session.scalar(
        select(EventDelivery).where(EventDelivery.plugin == "core_slow_events")
    )


def test_a_worker_killed_mid_delivery_leaves_it_to_the_next_worker_once(
    app, make, handler_dir, storefront_database_url, tmp_path
):
    merchant = make.merchant()
    order = make.order(merchant, make.user())
    db.session.commit()
    (handler_dir / "hold").touch()
    env = process_env(storefront_database_url, tmp_path / "w", STOREFRONT_EVENT_LEASE_SECONDS="2")

    first = start_worker(env)
    try:
        wait_for(lambda: (handler_dir / "started").exists())
    finally:
        first.kill()  # SIGKILL: no chance to finish or to clean up
        first.wait(timeout=10)
    assert lines(handler_dir / "delivered") == []
    assert delivery().status == "running"

    (handler_dir / "hold").unlink()
    second = start_worker(env, "--interval", "0.2")
    try:
        wait_for(lambda: (handler_dir / "delivered").exists())
        time.sleep(2.5)  # past another lease: a finished delivery must not run again
    finally:
        second.terminate()
        output = second.communicate(timeout=20)[0]

    assert lines(handler_dir / "delivered") == [order.number], output
    assert lines(handler_dir / "started") == [order.number, order.number]
    finished = delivery()
    assert (finished.status, finished.attempts) == ("done", 2)  # the killed try counts


def test_sigterm_lets_the_worker_finish_the_delivery_in_hand(
    app, make, handler_dir, storefront_database_url, tmp_path
):
    merchant = make.merchant()
    order = make.order(merchant, make.user())
    db.session.commit()
    (handler_dir / "hold").touch()
    worker = start_worker(process_env(storefront_database_url, tmp_path / "w"))
    try:
        wait_for(lambda: (handler_dir / "started").exists())
        worker.send_signal(signal.SIGTERM)
        time.sleep(0.3)
        assert worker.poll() is None, "the worker left in the middle of a delivery"
        (handler_dir / "hold").unlink()
        output = worker.communicate(timeout=20)[0]
    finally:
        if worker.poll() is None:
            worker.kill()
    assert worker.returncode == 0, output
    assert "worker stopped" in output
    assert lines(handler_dir / "delivered") == [order.number]
    assert delivery().status == "done"


def blocked_on_the_doorbell(redis_url: str) -> bool:
    import redis

    clients = redis.Redis.from_url(redis_url).client_list()
    return any(client.get("cmd") == "blpop" for client in clients)


@pytest.mark.parametrize("app_redis_url", [os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")])
def test_with_redis_the_worker_wakes_as_soon_as_an_order_is_placed(
    app, shop, client_for, handler_dir, storefront_database_url, redis_url, tmp_path
):
    worker = start_worker(
        process_env(storefront_database_url, tmp_path / "w", REDIS_URL=redis_url),
        "--interval",
        "30",
    )
    try:
        wait_for(lambda: blocked_on_the_doorbell(redis_url), timeout=30)
        assert buy_sneaker(client_for(shop.alice), shop).status_code == 302
        waited = wait_for(lambda: (handler_dir / "delivered").exists(), timeout=10)
        stopped = time.monotonic()
        worker.terminate()
        worker.communicate(timeout=10)
    finally:
        if worker.poll() is None:
            worker.kill()
    assert waited < 5, f"delivered after {waited:.1f} s; the poll interval is 30 s"
    assert time.monotonic() - stopped < 5, "SIGTERM waited for the poll interval"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def gunicorn(storefront_database_url, redis_url, tmp_path):
    """gunicorn with two worker processes on the suite's database and Redis."""
    instance = tmp_path / "web"
    instance.mkdir()
    (instance / "storefront.cfg").write_text(
        "WTF_CSRF_ENABLED = False\n"
        f"RATELIMIT_KEY_PREFIX = {uuid.uuid4().hex!r}\n"
        'RATELIMIT_STRATEGY = "moving-window"\n'  # a fixed window could reset mid-test
    )
    port = free_port()
    server = subprocess.Popen(
        [str(BIN / "gunicorn"), "-w", "2", "-b", f"127.0.0.1:{port}", "storefront.wsgi:app"],
        env=process_env(storefront_database_url, instance, REDIS_URL=redis_url),
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(lambda: _answers(base), timeout=30)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=30)


def _answers(base: str) -> bool:
    try:
        with urllib.request.urlopen(base + "/", timeout=2):
            return True
    except OSError:
        return False


def fetch(url: str, data: dict | None = None) -> tuple[int, str]:
    """Status and body; a new connection each time, so both processes take turns."""
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    try:
        with urllib.request.urlopen(url, data=body, timeout=5) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def test_a_plugin_switched_off_is_off_in_every_web_process_within_a_second(shop, gunicorn):
    product = gunicorn + "/shop/alpha/p/sneaker"
    assert all("core-sections" in fetch(product)[1] for _ in range(12))

    set_enabled(shop.alpha, "core_sections", False)
    db.session.commit()
    switched = time.monotonic()
    first = fetch(product)[1]
    seen_after = time.monotonic() - switched

    assert "core-sections" not in first
    assert seen_after < 1.0
    assert not any("core-sections" in fetch(product)[1] for _ in range(12))


def test_the_login_rate_limit_is_shared_by_every_web_process(shop, gunicorn):
    attempts = [
        fetch(gunicorn + "/login", {"email": shop.alice.email, "password": "wrong"})[0]
        for _ in range(12)
    ]
    assert attempts[:10] == [200] * 10
    assert attempts[10:] == [429, 429]


@pytest.fixture(scope="module")
def silent_redis():
    """A port that accepts connections and never answers: a Redis that hangs."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(64)
        yield f"redis://127.0.0.1:{listener.getsockname()[1]}/0"


@pytest.mark.parametrize("app_redis_url", ["redis://127.0.0.1:1/0", "silent"])
def test_a_redis_that_is_down_or_hangs_costs_the_shopper_nothing(app, shop, client_for):
    assert app.config["RATELIMIT_STORAGE_URI"] == app.config["REDIS_URL"]
    started = time.monotonic()
    shopper = client_for(shop.alice)
    assert buy_sneaker(shopper, shop).status_code == 302
    wrong = client_for(shop.bob).post("/login", data={"email": shop.bob.email, "password": "wrong"})
    assert wrong.status_code == 200 and "email or password" in wrong.text.lower()
    assert time.monotonic() - started < 5
    pending = db.session.scalars(select(OutboxEvent.status)).all()
    assert pending and set(pending) == {"pending"}


def test_a_delivery_whose_worker_died_every_time_ends_among_the_dead_letters(
    app, make, handler_dir
):
    from datetime import timedelta

    from storefront.events import MAX_ATTEMPTS, dispatch_due
    from storefront.models import utcnow

    event = OutboxEvent(name="order_placed", payload={}, status="fanned_out")
    stuck = EventDelivery(
        event=event,
        plugin="core_slow_events",
        status="running",
        attempts=MAX_ATTEMPTS,
        updated_at=utcnow() - timedelta(hours=1),
    )
    db.session.add_all([event, stuck])
    db.session.commit()

    dispatch_due()

    assert delivery().status == "dead"
    assert "stopped during every attempt" in delivery().last_error
    assert lines(handler_dir / "started") == []
