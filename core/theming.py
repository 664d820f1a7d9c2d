"""Theme resolution for Jinja: `@linen/shop/product.html` walks linen -> its parents -> default.

The theme travels in the template name, so Jinja's cache keeps one compiled template per
theme, and `{% extends %}` / `{% include %}` inside a themed template stay in that theme
(see `ThemedEnvironment.join_path`). Names without `@` resolve as in plain Flask: core and
plugin templates.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from flask.templating import Environment
from jinja2 import BaseLoader, FileSystemLoader, TemplateNotFound


def _themes_dir() -> Path:
    import storefront.themes as package

    return Path(package.__file__).resolve().parent


@dataclass(frozen=True)
class Theme:
    name: str
    title: str
    parent: str | None
    colours: dict
    path: Path


@cache
def available_themes() -> dict[str, Theme]:
    themes = {}
    for toml_file in sorted(_themes_dir().glob("*/theme.toml")):
        data = tomllib.loads(toml_file.read_text("utf-8"))
        name = toml_file.parent.name
        parent = data.get("parent") or (None if name == "default" else "default")
        themes[name] = Theme(
            name=name,
            title=data.get("title", name),
            parent=parent,
            colours=data.get("colours", {}),
            path=toml_file.parent,
        )
    return themes


@cache
def theme_chain(name: str) -> tuple[str, ...]:
    """The theme and its ancestors, nearest first; unknown names fall back to default."""
    themes = available_themes()
    chain: list[str] = []
    current: str | None = name if name in themes else "default"
    while current and current not in chain and current in themes:
        chain.append(current)
        current = themes[current].parent
    if "default" not in chain:
        chain.append("default")
    return tuple(chain)


class ThemeLoader(BaseLoader):
    """Resolves `@theme/path` through the theme chain, then through the normal Flask loader."""

    def __init__(self, fallback: BaseLoader) -> None:
        self.fallback = fallback
        self._loaders: dict[str, FileSystemLoader] = {}

    def _loader(self, theme: str) -> FileSystemLoader:
        if theme not in self._loaders:
            self._loaders[theme] = FileSystemLoader(
                str(available_themes()[theme].path / "templates")
            )
        return self._loaders[theme]

    def get_source(self, environment, template):
        if template.startswith("@"):
            theme, _, relative = template[1:].partition("/")
            for name in theme_chain(theme):
                try:
                    return self._loader(name).get_source(environment, relative)
                except TemplateNotFound:
                    continue
            return self.fallback.get_source(environment, relative)
        return self.fallback.get_source(environment, template)

    def list_templates(self):
        return self.fallback.list_templates()


class ThemedEnvironment(Environment):
    """Keeps includes and extends inside the theme of the template that names them."""

    def join_path(self, template: str, parent: str) -> str:
        if parent.startswith("@") and not template.startswith("@"):
            return parent.split("/", 1)[0] + "/" + template
        return template


def register_theme_static(app) -> None:
    """Serve each theme's `static/` folder at /themes/<theme>/static/<file>."""
    from flask import abort, send_from_directory

    @app.route("/themes/<theme>/static/<path:filename>", endpoint="theme_static")
    def theme_static(theme: str, filename: str):
        found = available_themes().get(theme)
        if found is None:
            abort(404)
        return send_from_directory(found.path / "static", filename, max_age=3600)
