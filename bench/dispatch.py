"""Cost of one scoped hook call against pluggy's own call and against direct calls."""

from __future__ import annotations

import statistics
import timeit
from types import ModuleType

import pluggy

from storefront.plugin_info import PluginInfo
from storefront.plugin_manager import PluginManager

hookspec = pluggy.HookspecMarker("storefront")
hookimpl = pluggy.HookimplMarker("storefront")


class Specs:
    @hookspec
    def bench_badge(self, product, scope):
        """A render hook with the shape of product_badges."""


def make_plugin(n: int) -> ModuleType:
    """A plugin module as the manager registers them, with its `info`."""
    module = ModuleType(f"bench_{n}")
    module.info = PluginInfo(name=f"bench_{n}", title=f"Bench {n}", version="1")

    @hookimpl
    def bench_badge(product, scope):
        return n

    module.bench_badge = bench_badge
    return module


def run(repeat: int = 7, number: int = 20_000) -> dict[str, float]:
    manager = PluginManager()
    manager.pluggy.add_hookspecs(Specs)
    plugins = [make_plugin(n) for n in range(5)]
    for plugin in plugins:
        manager.register(plugin, source="bench")
    disabled = frozenset({"bench_3", "bench_4"})
    scoped_hook = manager.hook_for(disabled)

    def scoped():
        return scoped_hook.bench_badge(product=None, scope=None)

    def pluggy_all():
        return manager.pluggy.hook.bench_badge(product=None, scope=None)

    functions = [p.bench_badge for p in plugins[:3]]

    def direct():
        return [f(None, None) for f in functions]

    def median_us(fn) -> float:
        runs = timeit.repeat(fn, repeat=repeat, number=number)
        return statistics.median(runs) / number * 1e6

    figures = {
        "scoped call, 3 of 5 plugins on (µs)": median_us(scoped),
        "pluggy hook call, 5 plugins (µs)": median_us(pluggy_all),
        "direct calls of 3 functions (µs)": median_us(direct),
    }
    scoped_us = figures["scoped call, 3 of 5 plugins on (µs)"]
    figures["scoped / pluggy ratio"] = scoped_us / figures["pluggy hook call, 5 plugins (µs)"]
    return figures
