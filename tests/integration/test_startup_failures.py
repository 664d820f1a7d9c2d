"""A plugin that fails at start-up is recorded, listed and left out; the site starts."""

from __future__ import annotations

import pytest

from tests.core_helpers import with_test_plugins


@pytest.fixture
def storefront_plugins():
    return []


@pytest.fixture
def storefront_config():
    config = with_test_plugins(
        "core_failing_init", "core_sections", STOREFRONT_STRICT_PLUGINS=False
    )
    config["STOREFRONT_EXTRA_PLUGINS"].append("tests.plugins_for_tests.no_such_plugin")
    return config


def test_the_site_starts_without_the_failing_plugin(app, shop, client):
    page = client.get("/shop/alpha/p/duvet")
    assert page.status_code == 200
    assert "core-sections" in page.text  # the healthy plugin still acts
    assert client.get("/shop/alpha/failing").status_code == 404


def test_the_failure_is_recorded_and_shown(app, shop, platform_admin_client, owner_client):
    from storefront.cli import main

    manager = app.extensions["storefront"].plugins
    assert "core_failing_init cannot start" in manager.records["core_failing_init"].failed
    listed = app.test_cli_runner().invoke(main, ["plugins", "list"])
    assert listed.exit_code == 0, listed.output
    assert "core_failing_init" in listed.output and "FAILED" in listed.output
    assert "no_such_plugin" in listed.output
    page = platform_admin_client.get("/platform/").text
    assert "core_failing_init cannot start" in page
    assert "no_such_plugin" in page
    matrix = owner_client.get("/admin/alpha/plugins").text
    assert "failed to start" in matrix


def test_strict_mode_raises_instead(storefront_database_url, tmp_path):
    from storefront import create_app
    from storefront.testing import base_config

    config = base_config(storefront_database_url)
    config.update(with_test_plugins("core_failing_init"), STOREFRONT_PLUGINS=[])
    with pytest.raises(RuntimeError, match="core_failing_init cannot start"):
        create_app(config, instance_path=str(tmp_path / "strict"))
