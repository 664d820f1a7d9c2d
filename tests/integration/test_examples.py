"""Each package in examples/ installs as its own distribution and passes its own tests."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = sorted(
    p
    for p in (Path(__file__).resolve().parents[2] / "examples").iterdir()
    if (p / "pyproject.toml").exists()
)


@pytest.mark.parametrize("example", EXAMPLES, ids=[p.name for p in EXAMPLES])
def test_example_installs_and_its_tests_pass(example, tmp_path):
    site = tmp_path / "site"
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
            str(example),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    env = dict(os.environ, PYTHONPATH=str(site), STOREFRONT_INSTANCE_PATH=str(tmp_path / "i"))
    env.pop("DATABASE_URL", None)
    listed = subprocess.run(
        [str(Path(sys.executable).parent / "storefront"), "plugins", "list"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "entry point" in listed.stdout, listed.stdout + listed.stderr
    result = subprocess.run(
        [str(Path(sys.executable).parent / "pytest"), "-q", "-p", "no:cacheprovider"],
        cwd=example,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert " passed" in result.stdout
