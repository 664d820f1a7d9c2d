"""A wheel built from the checkout carries every module, template, catalogue and migration.

The editable install used in development finds files that a real install would miss, so
this builds the wheel the way `pip install .` does and compares it with the source tree.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE_ROOTS = {
    "core": "storefront",
    "plugins": "storefront/plugins",
    "themes": "storefront/themes",
}
SHIPPED_SUFFIXES = {".py", ".html", ".css", ".js", ".mo", ".toml", ".svg", ".png", ".tmpl", ".mako"}


def source_files() -> set[str]:
    """Files under the package folders that an installed Storefront needs, by installed path."""
    wanted = set()
    for folder, installed in PACKAGE_ROOTS.items():
        for path in (ROOT / folder).rglob("*"):
            if not path.is_file() or "__pycache__" in path.parts:
                continue
            if path.suffix in SHIPPED_SUFFIXES or path.name == "script.py.mako":
                relative = path.relative_to(ROOT / folder).as_posix()
                wanted.add(f"{installed}/{relative}")
    return wanted


def test_the_wheel_ships_every_plugin_template_and_catalogue(tmp_path):
    # A copy, so a stale build/ folder in the checkout cannot fill the gaps.
    tree = tmp_path / "tree"
    ignore = shutil.ignore_patterns(".*", "build", "dist", "instance", "*.egg-info", "__pycache__")
    shutil.copytree(ROOT, tree, ignore=ignore)
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation"]
        + ["-w", str(tmp_path), str(tree)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (wheel,) = tmp_path.glob("storefront-*.whl")
    shipped = set(zipfile.ZipFile(wheel).namelist())
    missing = sorted(source_files() - shipped)
    assert not missing, f"{len(missing)} files missing from the wheel, e.g.:\n" + "\n".join(
        missing[:20]
    )
