"""`storefront new-plugin NAME`: a ready-to-install plugin package to start from.

The package it writes is the smallest complete plugin: a PluginInfo with a settings form,
one render hook, one themed template, a blueprint with one page, a test that passes using
`storefront.testing`, and a pyproject.toml that registers the entry point.
"""

from __future__ import annotations

import keyword
import re
from pathlib import Path
from string import Template

from .plugin_manager import PluginManager

NAME_RE = re.compile(r"^[a-z][a-z0-9_]{1,39}$")
TEMPLATE_DIR = Path(__file__).resolve().parent / "scaffold_template"


class ScaffoldError(ValueError):
    """The plugin cannot be created; the message says why and what to do."""


def check_name(name: str, manager: PluginManager | None) -> None:
    if not NAME_RE.match(name) or keyword.iskeyword(name):
        raise ScaffoldError(
            f"{name!r} is not a valid plugin name: use 2-40 lowercase letters, digits and "
            "underscores, starting with a letter (e.g. gift_wrap)"
        )
    if manager is not None and name in manager.records:
        raise ScaffoldError(
            f"a plugin named {name!r} is already installed ({manager.records[name].source}); "
            "pick another name"
        )


def _files(name: str) -> dict[str, str]:
    """Relative path -> text of every file in the new package."""
    package = f"storefront_{name}"
    values = {
        "name": name,
        "package": package,
        "title": name.replace("_", " ").title(),
        "dist": f"storefront-{name.replace('_', '-')}",
    }
    files = {}
    for source in sorted(TEMPLATE_DIR.rglob("*.tmpl")):
        relative = source.relative_to(TEMPLATE_DIR).as_posix()[: -len(".tmpl")]
        relative = relative.replace("PACKAGE", package).replace("NAME", name)
        files[relative] = Template(source.read_text("utf-8")).substitute(values)
    return files


def create_plugin(name: str, target_dir: Path, manager: PluginManager | None = None) -> Path:
    """Write the package into `target_dir/storefront-<name>` and return that folder."""
    check_name(name, manager)
    root = Path(target_dir) / f"storefront-{name.replace('_', '-')}"
    if root.exists():
        raise ScaffoldError(f"{root} exists already; choose another --dir or remove it")
    for relative, text in _files(name).items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, "utf-8")
    return root
