"""docs/hooks.md stays in step with the hooks the code declares."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from storefront.app import INTERNAL_PLUGINS
from storefront.hookdocs import collect, markdown, signature_of
from storefront.plugin_manager import PluginManager

DOC = Path(__file__).resolve().parents[2] / "docs" / "hooks.md"
REGENERATE = "regenerate it with `make docs`"


@pytest.fixture(scope="module")
def manager() -> PluginManager:
    """Every built-in plugin and core internal, as `make docs` sees them."""
    manager = PluginManager()
    manager.discover(INTERNAL_PLUGINS, use_entry_points=False)
    return manager


@pytest.fixture(scope="module")
def documented() -> str:
    assert DOC.exists(), f"docs/hooks.md is missing; {REGENERATE}"
    return DOC.read_text("utf-8")


def test_every_hook_caller_is_documented_with_its_exact_signature(manager, documented):
    headings = set(re.findall(r"^### `(.+)`$", documented, flags=re.M))
    missing = []
    for name in sorted(n for n in dir(manager.hook) if not n.startswith("_")):
        caller = getattr(manager.hook, name)
        assert caller.spec is not None, f"{name} is implemented but never declared as a hookspec"
        signature = f"{name}({', '.join(caller.spec.argnames)})"
        if signature not in headings:
            missing.append(signature)
    assert not missing, f"docs/hooks.md lacks {missing}; {REGENERATE}"


def test_no_hook_is_documented_that_does_not_exist(manager, documented):
    names = {n for n in dir(manager.hook) if not n.startswith("_")}
    for heading in re.findall(r"^### `(\w+)\(", documented, flags=re.M):
        assert heading in names, f"docs/hooks.md documents {heading}, which no longer exists"


def test_docs_match_the_generated_reference(manager, documented):
    assert documented == markdown(manager.pluggy), f"docs/hooks.md is out of date; {REGENERATE}"


def test_every_hookspec_has_a_docstring(manager):
    undocumented = [h.name for h in collect(manager.pluggy) if not h.doc]
    assert not undocumented


def test_firstresult_hooks_are_flagged(manager, documented):
    block = documented.split("### `payment_methods(merchant, scope)`", 1)[1].split("###", 1)[0]
    assert "firstresult: yes" in block
    block = documented.split("### `product_sections(product, scope)`", 1)[1].split("###", 1)[0]
    assert "firstresult: no" in block
    assert "Return Markup for a section of the product page" in block


def test_plugin_hookspecs_get_their_own_section():
    manager = PluginManager()
    manager.discover([], only=[], extra_modules=["tests.plugins_for_tests.core_carriers"])
    text = markdown(manager.pluggy)
    core, plugin = text.split(
        "## Hooks declared by `tests.plugins_for_tests.core_carriers.hookspecs`"
    )
    assert "### `product_sections(product, scope)`" in core
    assert "### `carrier_names(merchant)`" in plugin
    assert "Return the names of the carriers" in plugin


def test_signature_keeps_defaults_and_drops_annotations():
    def hook(order: "object", note: str = "x", *rest, **extra):  # noqa: UP037
        """Doc."""

    assert signature_of(hook) == "hook(order, note='x', *rest, **extra)"
