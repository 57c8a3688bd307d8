"""`make chaos`, short: each API's journeys by a few concurrent clients with 30% of every dependency's requests
failing, then the invariants checked against the data (tools/chaos). The full run is `make chaos`."""

from __future__ import annotations

import time

import pytest

from tools.chaos.__main__ import APIS, report, run

pytestmark = pytest.mark.e2e


def test_every_api_keeps_its_promises_with_30_percent_of_each_dependency_failing(console_url: str) -> None:
    started = time.monotonic()
    results = run(list(APIS), [0.3], users=2, concurrency=2, seed=16, together=True)
    shown = report(results)
    # Faults were really injected into each API's dependencies, and each API was answered
    for result in results:
        assert sum(service["faults"] for service in result.injected.values()) > 0, shown
        assert result.tally.requests > 0, shown
    # And no invariant broke, no 5xx left the envelope, every journey finished
    assert not [check.name for result in results for check in result.failed], shown
    assert time.monotonic() - started < 90, shown
