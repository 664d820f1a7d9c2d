"""Follow docs/plugin-tutorial.md step by step: its code blocks must build a working plugin."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from storefront.scaffold import create_plugin

TUTORIAL = Path(__file__).resolve().parents[2] / "docs" / "plugin-tutorial.md"
BLOCK = re.compile(
    r"```python file=(?P<file>\S+) mode=(?P<mode>append|create)\n(?P<code>.*?)```", re.S
)


def test_tutorial_blocks_build_a_plugin_whose_tests_pass(tmp_path):
    text = TUTORIAL.read_text("utf-8")
    assert "storefront new-plugin gift_note --dir ." in text
    root = create_plugin("gift_note", tmp_path)
    blocks = list(BLOCK.finditer(text))
    assert len(blocks) >= 2
    for block in blocks:
        target = root / block["file"]
        if block["mode"] == "append":
            assert target.exists(), f"the tutorial appends to {block['file']}, which is missing"
            target.write_text(target.read_text("utf-8") + block["code"], "utf-8")
        else:
            target.write_text(block["code"], "utf-8")
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
            str(root),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    env = dict(os.environ, PYTHONPATH=str(site), STOREFRONT_INSTANCE_PATH=str(tmp_path / "i"))
    env.pop("DATABASE_URL", None)
    result = subprocess.run(
        [str(Path(sys.executable).parent / "pytest"), "-q", "-p", "no:cacheprovider"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "7 passed" in result.stdout
