"""The throughput benchmark reads wrk's report; a misread would print wrong figures."""

import pytest

from bench.throughput import parse_wrk

REPORT = """Running 10s test @ http://127.0.0.1:8000/shop/bench/p/runner
  2 threads and 8 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    61.02ms   20.11ms 180.00ms   70.00%
    Req/Sec    66.10     12.00   100.00     75.00%
  Latency Distribution
     50%   59.94ms
     75%   70.00ms
     90%   90.00ms
     99%    1.57s
  1320 requests in 10.01s, 20.00MB read
  Socket errors: connect 0, read 1, write 0, timeout 2
  Non-2xx or 3xx responses: 4
Requests/sec:    131.84
Transfer/sec:      2.00MB
"""


def test_rates_percentiles_in_milliseconds_and_every_kind_of_error():
    result = parse_wrk(REPORT)
    assert result.rps == 131.84
    assert result.p50_ms == pytest.approx(59.94)
    assert result.p99_ms == pytest.approx(1570.0)
    assert result.errors == 7


def test_a_report_without_latency_figures_is_refused():
    with pytest.raises(RuntimeError, match="could not read"):
        parse_wrk("Requests/sec: 10\n")
