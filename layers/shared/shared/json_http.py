"""A small JSON-over-HTTP client for the payment backends (LNbits, BTCPay): one pooled connection
manager per cold start, short connect timeouts, no retries (the callers decide), bodies as dicts.

A request waits at most its timeout (5 s by default: 1 s to connect, then the rest to answer), shortened to
what is left of the invocation (`shared.deadline`), so a slow provider never outlasts the function."""

from __future__ import annotations

import json
from typing import Any

import urllib3

from shared import deadline

CONNECT_TIMEOUT = 1.0
DEFAULT_TIMEOUT = 5.0
_pool = urllib3.PoolManager(num_pools=4, maxsize=4, retries=False)


class Unreachable(ConnectionError):
    """The server could not be reached or did not answer in time."""


class JsonHttp:
    def __init__(self, base_url: str, headers: dict[str, str], timeout: float = DEFAULT_TIMEOUT) -> None:
        self._base = base_url.rstrip("/")
        self._headers = {"Accept": "application/json", **headers}
        self.timeout = timeout

    def request(self, method: str, path: str, body: dict[str, Any] | None = None) -> tuple[int, dict[str, Any]]:
        """(HTTP status, the JSON object answered, or {} for anything else)."""
        headers = dict(self._headers)
        payload = None
        if body is not None:
            headers["Content-Type"] = "application/json"
            payload = json.dumps(body).encode()
        try:
            total = deadline.bounded(self.timeout)
        except deadline.OutOfTime as exc:
            raise Unreachable(f"not attempted: {exc}") from None
        timeout = urllib3.Timeout(total=total, connect=min(total, CONNECT_TIMEOUT))
        try:
            response = _pool.request(method, self._base + path, body=payload, headers=headers, timeout=timeout)
        except urllib3.exceptions.HTTPError as exc:
            raise Unreachable(type(exc).__name__) from None
        try:
            data = json.loads(response.data or b"{}")
        except ValueError:
            data = {}
        return response.status, data if isinstance(data, dict) else {}
