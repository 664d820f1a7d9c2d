"""Production settings: a secret is required, cookies are secure, headers, proxies, gunicorn."""

from __future__ import annotations

import logging
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from storefront import create_app
from storefront.security import InsecureConfiguration, JsonLineFormatter


@pytest.fixture
def restore_logging():
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


def production_app(tmp_path, **config):
    return create_app(
        {
            "STOREFRONT_ENV": "production",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/p.sqlite3",
            "STOREFRONT_PLUGINS": [],
            **config,
        },
        instance_path=str(tmp_path),
    )


def test_production_refuses_to_start_without_a_secret(tmp_path, restore_logging):
    with pytest.raises(InsecureConfiguration, match="SECRET_KEY"):
        production_app(tmp_path)
    assert not (tmp_path / "secret_key").exists()


@pytest.mark.parametrize("secret", ["x", "short-but-not-empty", "y" * 31])
def test_production_refuses_a_secret_shorter_than_32_bytes(tmp_path, restore_logging, secret):
    with pytest.raises(InsecureConfiguration, match="at least 32 bytes"):
        production_app(tmp_path, SECRET_KEY=secret)


def test_production_cookies_are_secure_and_logs_are_json(tmp_path, restore_logging):
    app = production_app(tmp_path, SECRET_KEY="x" * 40)
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["REMEMBER_COOKIE_SECURE"]
    assert isinstance(logging.getLogger().handlers[0].formatter, JsonLineFormatter)


def test_security_headers_and_hsts_only_over_https(app, client):
    plain = client.get("/")
    assert "default-src 'self'" in plain.headers["Content-Security-Policy"]
    assert plain.headers["X-Content-Type-Options"] == "nosniff"
    assert plain.headers["X-Frame-Options"] == "DENY"
    assert "Strict-Transport-Security" not in plain.headers
    assert "Strict-Transport-Security" in client.get("/", base_url="https://localhost").headers


def test_behind_a_proxy_the_forwarded_scheme_counts(tmp_path, restore_logging):
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/p.sqlite3",
            "STOREFRONT_PROXY_FIX": "1",
            "STOREFRONT_PLUGINS": [],
            "SECRET_KEY": "s",
        },
        instance_path=str(tmp_path),
    )
    with app.app_context():
        from storefront import db

        db.create_all()
    response = app.test_client().get("/", headers={"X-Forwarded-Proto": "https"})
    assert "Strict-Transport-Security" in response.headers


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_storefront_serve_runs_gunicorn(tmp_path):
    bin_dir = Path(sys.executable).parent
    env = dict(
        os.environ,
        STOREFRONT_INSTANCE_PATH=str(tmp_path),
        STOREFRONT_ENV="production",
        SECRET_KEY="y" * 40,
    )
    env.pop("DATABASE_URL", None)
    subprocess.run(
        [str(bin_dir / "storefront"), "init-db"], env=env, check=True, capture_output=True
    )
    port = free_port()
    server = subprocess.Popen(
        [str(bin_dir / "storefront"), "serve", "--bind", f"127.0.0.1:{port}", "--workers", "2"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        for _ in range(100):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as response:
                    assert response.status == 200
                    assert response.headers["X-Frame-Options"] == "DENY"
                    break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail("gunicorn did not answer")
    finally:
        server.terminate()
        server.wait(timeout=20)
