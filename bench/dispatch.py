"""Cost of one scoped hook call against pluggy's own call and against direct calls.

Storefront's calls go through a guard around each implementation (failure isolation,
per-plugin arguments, the conformance observers); "pluggy alone" is a plain pluggy manager
with the same five plugins and no guard, so the ratio against it shows all we add.
The variants take turns within each round, and the spread is the slowest round's
distance from the median.
"""

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

    bare = pluggy.PluginManager("storefront")
    bare.add_hookspecs(Specs)
    for n in range(5):
        bare.register(make_plugin(n), name=f"bare_{n}")

    def pluggy_alone():
        return bare.hook.bench_badge(product=None, scope=None)

    variants = {
        "scoped call, 3 of 5 plugins on (µs)": scoped,
        "pluggy hook call through the guards, 5 plugins (µs)": pluggy_all,
        "pluggy alone, no guards, 5 plugins (µs)": pluggy_alone,
        "direct calls of 3 functions (µs)": direct,
    }
    rounds: dict[str, list[float]] = {name: [] for name in variants}
    for _ in range(repeat):
        for name, fn in variants.items():
            rounds[name].append(timeit.timeit(fn, number=number) / number * 1e6)
    figures = {name: statistics.median(times) for name, times in rounds.items()}
    scoped_us = figures["scoped call, 3 of 5 plugins on (µs)"]
    figures["scoped / pluggy ratio"] = (
        scoped_us / figures["pluggy hook call through the guards, 5 plugins (µs)"]
    )
    figures["scoped / pluggy alone ratio"] = (
        scoped_us / figures["pluggy alone, no guards, 5 plugins (µs)"]
    )
    figures["spread of the scoped call (µs, slowest round - median)"] = (
        max(rounds["scoped call, 3 of 5 plugins on (µs)"]) - scoped_us
    )
    return figures
