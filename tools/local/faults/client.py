"""Setting faults on a running local stack from tests and scripts (the dev console's `/faults` routes)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import requests

from tools.local.local_values import CONSOLE_PORT


class FaultsOff(RuntimeError):
    """The stack runs without the fault proxy (started without FAULTS=1)."""


class Faults:
    def __init__(self, console_url: str = f"http://127.0.0.1:{CONSOLE_PORT}") -> None:
        self.url = console_url.rstrip("/") + "/faults"

    def state(self) -> dict[str, Any]:
        answer = requests.get(self.url, timeout=10)
        answer.raise_for_status()
        state: dict[str, Any] = answer.json()
        return state

    @property
    def enabled(self) -> bool:
        return bool(self.state().get("enabled"))

    def set(self, rules: Sequence[dict[str, Any]], *, seed: int | None = None, reset_stats: bool = False) -> None:
        body: dict[str, Any] = {"rules": list(rules), "reset_stats": reset_stats}
        if seed is not None:
            body["seed"] = seed
        answer = requests.put(self.url, json=body, timeout=10)
        if answer.status_code == 409:
            raise FaultsOff(answer.json().get("detail", "faults are off"))
        answer.raise_for_status()

    def clear(self) -> None:
        requests.delete(self.url, timeout=10).raise_for_status()

    def stats(self) -> dict[str, Any]:
        stats: dict[str, Any] = self.state()["stats"]
        return stats

    def reset_stats(self) -> None:
        requests.delete(self.url + "/stats", timeout=10).raise_for_status()

    @contextmanager
    def injected(self, rules: Sequence[dict[str, Any]], *, seed: int | None = None) -> Iterator[Faults]:
        """The rules in force for the block (stats from zero), none after it."""
        self.set(rules, seed=seed, reset_stats=True)
        try:
            yield self
        finally:
            self.clear()


def every_dependency(rate: float, errors: Sequence[str] = ("throttle", "500", "503", "drop")) -> list[dict[str, Any]]:
    """`rate` of the requests to each dependency fail, each failure one of `errors` drawn evenly."""
    services = ("dynamodb", "s3", "ses", "secretsmanager", "lightning", "btcpay", "stripe")
    return [{"service": service, "error": list(errors), "rate": rate} for service in services]
