"""Suite-wide defaults, set before any test module imports a handler.

Powertools reads its settings when a module creates its Logger/Metrics, as
Lambda's environment would provide them before the first import.
"""

import os
from pathlib import Path

import pytest

os.environ.setdefault("POWERTOOLS_METRICS_NAMESPACE", "tests")
os.environ.setdefault("POWERTOOLS_TRACE_DISABLED", "true")
os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
# argon2 at the cheapest parameters it accepts: hundreds of hashes at the production ones cost ~20 s of CPU.
# The production parameters (shared.passwords' defaults) are checked once, in tests/unit/shared/test_passwords.py.
os.environ.setdefault("PASSWORD_HASH_TIME_COST", "1")
os.environ.setdefault("PASSWORD_HASH_MEMORY_KIB", "8")
os.environ.setdefault("PASSWORD_HASH_PARALLELISM", "1")


# `make test` runs on xdist workers with `--dist loadgroup`. What shares one local stack (e2e, browser),
# one LNbits (contract) or one `sam build` (build) stays together on one worker, in collection order; and
# those long groups are handed out first, so the unit and integration tests fill the other worker meanwhile.
SERIAL_GROUPS = {"e2e": "stack", "browser": "stack", "build": "build", "contract": "contract"}
TESTS = Path(__file__).resolve().parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    if "PYTEST_XDIST_WORKER" not in os.environ:  # a plain run keeps the directories' order
        return
    grouped: list[pytest.Item] = []
    spread: list[pytest.Item] = []
    for item in items:
        part = item.path.relative_to(TESTS).parts[0]
        if group := SERIAL_GROUPS.get(part):
            item.add_marker(pytest.mark.xdist_group(group))
        if item.get_closest_marker("xdist_group"):
            grouped.append(item)
        else:
            spread.append(item)
    items[:] = grouped + spread
