"""`storefront serve` with several worker processes, and shoppers who hit it at the same moment.

Races only show between processes that each hold their own database connection, so the
concurrency tests drive the real production server over HTTP: every simulated browser is
a `requests.Session` that signs in through the form and posts with its own CSRF token, and
a barrier releases all of them together.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import requests

from tests.core_helpers import csrf_token

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
TIMEOUT = 30


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _answers(base: str) -> bool:
    try:
        return requests.get(base + "/", timeout=2).status_code < 500
    except requests.RequestException:
        return False


@contextmanager
def storefront_serve(database_url: str, instance: Path, workers: int = 3) -> Iterator[str]:
    """The production server on the suite's database; yields its base URL."""
    instance.mkdir(parents=True, exist_ok=True)
    (instance / "storefront.cfg").write_text(
        f'LOGIN_RATE_LIMIT = "10000 per minute"\nRATELIMIT_KEY_PREFIX = {uuid.uuid4().hex!r}\n'
    )
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("STOREFRONT_") and key not in {"DATABASE_URL", "REDIS_URL"}
    }
    env.update(
        DATABASE_URL=database_url,
        STOREFRONT_INSTANCE_PATH=str(instance),
        STOREFRONT_ENTRY_POINTS="0",
        SECRET_KEY="live-server-secret-" + "x" * 32,
        PYTHONPATH=str(ROOT),
    )
    port = free_port()
    log = (instance / "server.log").open("w")
    server = subprocess.Popen(
        [
            str(BIN / "storefront"),
            "serve",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
        ],
        env=env,
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while not _answers(base):
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError((instance / "server.log").read_text()[-4000:])
            time.sleep(0.2)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


class Browser:
    """One shopper's browser: its own cookies, its own CSRF token."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.http = requests.Session()

    def get(self, path: str) -> requests.Response:
        return self.http.get(self.base + path, timeout=TIMEOUT, allow_redirects=False)

    def token(self, path: str) -> str:
        """The CSRF token of the form on that page (the session's token)."""
        page = self.get(path)
        assert page.status_code == 200, f"{path}: {page.status_code}"
        return csrf_token(page.text)

    def sign_in(self, email: str, password: str) -> Browser:
        token = self.token("/login")
        answer = self.http.post(
            self.base + "/login",
            data={"csrf_token": token, "email": email, "password": password},
            timeout=TIMEOUT,
            allow_redirects=False,
        )
        assert answer.status_code == 302, f"sign-in as {email} failed: {answer.status_code}"
        return self

    def post(self, path: str, data: dict, files: dict | None = None) -> requests.Response:
        return self.http.post(
            self.base + path, data=data, files=files, timeout=TIMEOUT, allow_redirects=False
        )


def at_once(calls: list[Callable[[], requests.Response]]) -> list[requests.Response]:
    """Run every call in its own thread, released together; the answers in call order."""
    barrier = threading.Barrier(len(calls), timeout=TIMEOUT)
    answers: list[requests.Response | BaseException | None] = [None] * len(calls)

    def run(index: int) -> None:
        barrier.wait()
        try:
            answers[index] = calls[index]()
        except BaseException as exc:  # noqa: BLE001 - reported below with the others
            answers[index] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(TIMEOUT * 2)
    assert not any(t.is_alive() for t in threads), "a request never came back"
    failures = [a for a in answers if isinstance(a, BaseException)]
    assert not failures, failures
    return answers  # type: ignore[return-value]
