"""`make fuzz` with a small budget: all of schemathesis's checks, anonymous and signed in, no 5xx."""

from __future__ import annotations

import os

import pytest

from tools.fuzz.__main__ import fuzz_all
from tools.fuzz.run import table

pytestmark = pytest.mark.e2e
REQUESTS_PER_API = 60  # `make fuzz` runs 1,000 per API; this is the smoke check


def test_no_fuzzed_request_gets_a_server_error(local_server: None) -> None:
    if "LNUPLOAD_URL" in os.environ:
        pytest.skip("signs in and writes with the local fakes")
    tallies = fuzz_all(REQUESTS_PER_API)
    assert all(tally.requests >= REQUESTS_PER_API for tally in tallies), table(tallies)
    server_errors = [example for tally in tallies for example in tally.examples if example.startswith("5")]
    assert not any(tally.server_errors for tally in tallies), table(tallies) + "\n" + "\n".join(server_errors)
