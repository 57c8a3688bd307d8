"""The local runtime's environments: cold then warm, a cap on live environments (LRU), idle ones reaped."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator

import pytest

from tools.local.functions_pool import Environments, FunctionError, FunctionPool
from tools.local.template import Function


def echo(logical_id: str) -> Function:
    return Function(logical_id, "tests.integration.tools.lambda_echo.handler", {"GREETING": "hi"}, 10, 128)


def gone(pid: int, timeout: float = 5) -> bool:
    """The process ended and was reaped (the pool waits for its workers) within `timeout`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.02)
    return False


@pytest.fixture
def lines() -> list[tuple[str, str]]:
    return []


@pytest.fixture
def environments() -> Iterator[Environments]:
    environments = Environments(max_total=2, idle_timeout=0.6)
    yield environments
    environments.stop_reaper()
    for pool in environments.pools:
        pool.stop()


def pool(environments: Environments, name: str, lines: list[tuple[str, str]]) -> FunctionPool:
    return FunctionPool(echo(name), {}, environments=environments, log=lambda fn, line: lines.append((fn, line)))


def test_first_call_is_cold_then_warm_with_the_function_environment_and_its_logs(environments, lines):
    # Given a pool for one function
    first = pool(environments, "EchoFunction", lines)

    # When it is called twice
    cold = first.call({"n": 1})
    warm = first.call({"n": 2})

    # Then the first call started the environment, the second reused it, with the function's variables
    assert (cold.cold, warm.cold) == (True, False)
    assert cold.result["pid"] == warm.result["pid"] and warm.result["env"] == "hi"
    # And what the function printed reached the log sink, by function, init line included
    deadline = time.monotonic() + 5
    while len(lines) < 3 and time.monotonic() < deadline:
        time.sleep(0.02)
    assert ("EchoFunction", "echo: init") in lines
    assert sum(1 for fn, line in lines if fn == "EchoFunction" and '"message": "echo"' in line) == 2


def test_the_cap_stops_the_least_recently_used_idle_environment(environments, lines):
    # Given two functions called once each: the cap (2) is reached
    a, b, c = (pool(environments, name, lines) for name in ("A", "B", "C"))
    pid_a = a.call({}).result["pid"]
    b.call({})
    assert environments.count() == 2

    # When a third function starts
    c.call({})

    # Then the least recently used one (A) was stopped to make room: still two live environments
    assert environments.count() == 2
    assert a.idle_pids() == [] and len(b.idle_pids()) == 1 and len(c.idle_pids()) == 1
    assert gone(pid_a)
    # And A starts cold again when called
    assert a.call({}).cold is True


def test_idle_environments_are_reaped(environments, lines):
    # Given an environment, and the reaper running
    echo_pool = pool(environments, "Idle", lines)
    pid = echo_pool.call({}).result["pid"]
    environments.start_reaper(interval=0.1)

    # When it stays idle past the timeout
    deadline = time.monotonic() + 5
    while environments.count() and time.monotonic() < deadline:
        time.sleep(0.05)

    # Then its process is gone and the next call is a cold start
    assert environments.count() == 0 and gone(pid)
    assert echo_pool.call({}).cold is True


def test_a_function_error_keeps_the_environment(environments, lines):
    # Given a warm environment
    echo_pool = pool(environments, "Failing", lines)
    pid = echo_pool.call({}).result["pid"]

    # When the function raises
    with pytest.raises(FunctionError, match="ValueError"):
        echo_pool.call({"fail": True})

    # Then the same environment serves the next call, as on Lambda
    assert echo_pool.call({}).result["pid"] == pid
