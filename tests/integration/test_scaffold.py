"""`storefront new-plugin`: the package it writes installs, is discovered, and its tests pass."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from storefront.scaffold import ScaffoldError, create_plugin

BIN = Path(sys.executable).parent


def _run(args: list[str], cwd: Path, site: Path, instance: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(site), STOREFRONT_INSTANCE_PATH=str(instance))
    env.pop("DATABASE_URL", None)
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def installed_plugin(tmp_path_factory):
    """A generated plugin installed into a private site folder, away from the test venv."""
    workdir = tmp_path_factory.mktemp("scaffold")
    root = create_plugin("gift_wrap", workdir)
    site = workdir / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "-q",
            "--no-deps",
            "--no-build-isolation",
            "--target",
            str(site),
            str(root),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    return root, site, workdir / "instance"


def test_generated_package_has_every_part(tmp_path):
    root = create_plugin("size_helper", tmp_path)
    names = {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}
    assert {
        "pyproject.toml",
        "README.md",
        "storefront_size_helper/__init__.py",
        "storefront_size_helper/forms.py",
        "storefront_size_helper/views.py",
        "storefront_size_helper/templates/size_helper/section.html",
        "storefront_size_helper/templates/size_helper/page.html",
        "tests/test_size_helper.py",
    } <= names
    pyproject = (root / "pyproject.toml").read_text()
    assert '[project.entry-points."storefront.plugins"]' in pyproject
    assert 'size_helper = "storefront_size_helper"' in pyproject


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("9lives", "not a valid plugin name"),
        ("Gift", "not a valid plugin name"),
        ("class", "not a valid plugin name"),
        ("gift-wrap", "not a valid plugin name"),
    ],
)
def test_bad_names_are_refused(tmp_path, name, message):
    with pytest.raises(ScaffoldError, match=message):
        create_plugin(name, tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_installed_plugin_name_is_refused(app, tmp_path):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["new-plugin", "payments", "--dir", str(tmp_path)])
    assert result.exit_code != 0
    assert "already installed" in result.output


def test_existing_folder_is_refused(app, tmp_path):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["new-plugin", "gift_wrap", "--dir", str(tmp_path)]).exit_code == 0
    again = runner.invoke(args=["new-plugin", "gift_wrap", "--dir", str(tmp_path)])
    assert again.exit_code != 0
    assert "exists already" in again.output


def test_installed_package_is_listed(installed_plugin):
    root, site, instance = installed_plugin
    result = _run([str(BIN / "storefront"), "plugins", "list"], root, site, instance)
    assert result.returncode == 0, result.stderr
    assert "gift_wrap" in result.stdout
    assert "entry point gift_wrap (storefront-gift-wrap)" in result.stdout


def test_generated_tests_pass(installed_plugin):
    root, site, instance = installed_plugin
    result = _run([str(BIN / "pytest"), "-q", "-p", "no:cacheprovider"], root, site, instance)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "5 passed" in result.stdout
