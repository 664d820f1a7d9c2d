"""Plugin discovery and registration: built-ins, entry points, declarations, own hookspecs."""

from __future__ import annotations

import sys
import textwrap
import types
import uuid

import pytest

from storefront import PluginInfo, hookimpl
from storefront import plugin_manager as pm_module
from storefront.plugin_manager import PluginError, PluginManager


def plugin(name: str, **attrs) -> types.ModuleType:
    module = types.ModuleType(f"fake_{name}")
    module.info = PluginInfo(name=name)
    for key, value in attrs.items():
        setattr(module, key, value)
    return module


@pytest.fixture
def site(tmp_path, monkeypatch):
    """A directory on sys.path where a test writes real packages and distributions."""
    root = tmp_path / "site"
    root.mkdir()
    monkeypatch.syspath_prepend(str(root))
    before = set(sys.modules)
    yield root
    for name in set(sys.modules) - before:
        sys.modules.pop(name, None)


def write_plugin_package(parent, package: str, plugin_name: str) -> None:
    folder = parent / package
    folder.mkdir(parents=True)
    (folder / "__init__.py").write_text(
        textwrap.dedent(
            f"""
            from storefront import PluginInfo, hookimpl

            info = PluginInfo(name={plugin_name!r}, version="2.0")

            @hookimpl
            def footer_links(scope):
                return [{plugin_name!r}]
            """
        )
    )


def write_distribution(site, dist: str, entry_points: dict[str, str]) -> None:
    """A real installed distribution: a *.dist-info folder with METADATA and entry points."""
    info_dir = site / f"{dist.replace('-', '_')}-1.0.dist-info"
    info_dir.mkdir()
    (info_dir / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist}\nVersion: 1.0\n")
    lines = ["[storefront.plugins]"] + [f"{k} = {v}" for k, v in entry_points.items()]
    (info_dir / "entry_points.txt").write_text("\n".join(lines) + "\n")


def test_builtin_packages_are_discovered_and_private_ones_skipped(site, monkeypatch):
    package = f"builtins_{uuid.uuid4().hex[:8]}"
    (site / package).mkdir()
    (site / package / "__init__.py").write_text("")
    write_plugin_package(site / package, "giftwrap", "giftwrap")
    write_plugin_package(site / package, "_helpers", "helpers")
    (site / package / "loose_module.py").write_text("x = 1\n")
    monkeypatch.setattr(pm_module, "BUILTIN_PACKAGE", package)

    found = list(PluginManager._candidate_modules(use_entry_points=False))

    assert found == [(f"{package}.giftwrap", "builtin")]
    manager = PluginManager()
    manager.discover([], use_entry_points=False)
    assert list(manager.records) == ["giftwrap"]
    assert manager.records["giftwrap"].source == "builtin"


def test_entry_point_plugins_of_an_installed_distribution_are_discovered(site, monkeypatch):
    module = f"ext_plugin_{uuid.uuid4().hex[:8]}"
    write_plugin_package(site, module, "giftcards")
    write_distribution(site, "storefront-giftcards", {"giftcards": f"{module}:info"})
    monkeypatch.setattr(pm_module, "BUILTIN_PACKAGE", "tests.plugins_for_tests")

    found = dict(PluginManager._candidate_modules(use_entry_points=True))

    assert found[module] == "entry point giftcards (storefront-giftcards)"
    manager = PluginManager()
    manager.discover([], use_entry_points=True)
    assert manager.records["giftcards"].source == "entry point giftcards (storefront-giftcards)"
    assert manager.info("giftcards").version == "2.0"
    assert manager.hook.footer_links(scope=None) == [["giftcards"]]

    without = PluginManager()
    without.discover([], use_entry_points=False)
    assert "giftcards" not in without.records


def test_only_limits_builtins_and_entry_points_but_not_extra_modules(site, monkeypatch):
    module = f"ext_plugin_{uuid.uuid4().hex[:8]}"
    write_plugin_package(site, module, "giftcards")
    write_distribution(site, "storefront-giftcards", {"giftcards": module})
    monkeypatch.setattr(pm_module, "BUILTIN_PACKAGE", "tests.plugins_for_tests")

    manager = PluginManager()
    manager.discover(
        ["storefront.payments"],
        only=["core_carriers"],
        extra_modules=["tests.plugins_for_tests.core_optin"],
    )

    assert set(manager.records) == {"payments", "core_carriers", "core_optin"}
    assert manager.records["payments"].source == "core"
    assert manager.records["core_optin"].source == "configured"


def test_a_module_without_plugin_info_is_refused():
    with pytest.raises(PluginError, match="PluginInfo"):
        PluginManager().register(types.ModuleType("not_a_plugin"))
    no_info = types.ModuleType("wrong_info")
    no_info.info = {"name": "wrong"}
    with pytest.raises(PluginError, match="PluginInfo"):
        PluginManager().register(no_info)


def test_duplicate_plugin_names_are_refused():
    manager = PluginManager()
    manager.register(plugin("reviews"))
    with pytest.raises(PluginError, match="already taken"):
        manager.register(plugin("reviews"))
    assert len(manager.records) == 1


def test_an_entry_point_reusing_a_taken_name_is_refused(site, monkeypatch):
    module = f"ext_plugin_{uuid.uuid4().hex[:8]}"
    write_plugin_package(site, module, "core_optin")
    write_distribution(site, "storefront-impostor", {"core_optin": module})
    monkeypatch.setattr(pm_module, "BUILTIN_PACKAGE", "tests.plugins_for_tests")

    manager = PluginManager()
    with pytest.raises(PluginError, match="core_optin"):
        manager.discover([], extra_modules=["tests.plugins_for_tests.core_optin"])


def test_a_plugin_cannot_replace_itself():
    module = types.ModuleType("selfish")
    module.info = PluginInfo(name="selfish", replaces="selfish")
    with pytest.raises(PluginError, match="replace itself"):
        PluginManager().register(module)


def test_a_plugin_that_cannot_be_imported_is_reported_with_its_name(site, monkeypatch):
    package = f"builtins_{uuid.uuid4().hex[:8]}"
    (site / package / "broken").mkdir(parents=True)
    (site / package / "__init__.py").write_text("")
    (site / package / "broken" / "__init__.py").write_text("raise ImportError('missing dep')\n")
    monkeypatch.setattr(pm_module, "BUILTIN_PACKAGE", package)

    with pytest.raises(PluginError, match=rf"{package}\.broken.*missing dep"):
        PluginManager().discover([], use_entry_points=False)


def test_a_plugins_own_hookspecs_are_registered_with_it():
    manager = PluginManager()
    assert not hasattr(manager.hook, "carrier_names")
    manager.discover([], only=[], extra_modules=["tests.plugins_for_tests.core_carriers"])

    caller = manager.hook.carrier_names
    assert caller.spec is not None
    assert caller.spec.argnames == ("merchant",)
    assert caller(merchant=None) == [["test-post"]]
    manager.pluggy.check_pending()


def test_internal_plugins_are_not_optional():
    manager = PluginManager()
    manager.discover(
        ["storefront.payments", "storefront.notifications"],
        only=[],
        extra_modules=["tests.plugins_for_tests.core_optin"],
    )
    assert [i.name for i in manager.optional] == ["core_optin"]


def test_blueprints_map_to_their_plugin():
    manager = PluginManager()

    @hookimpl
    def footer_links(scope):
        return None

    record = manager.register(plugin("giftwrap", footer_links=footer_links))
    record.blueprints = {"giftwrap_shop"}
    assert manager.plugin_for_blueprint("giftwrap_shop.index") == "giftwrap"
    assert manager.plugin_for_blueprint("shop.home") is None
    assert manager.plugin_for_blueprint(None) is None
