"""HTTP clients that speak from one source address (127.x), so per-IP limits stay per caller on the local
stack as they are per client on the Internet: the fuzzer's, `make chaos`'s and `make capacity`'s users."""

from __future__ import annotations

from typing import Any

from requests.adapters import HTTPAdapter


class BoundAdapter(HTTPAdapter):
    """Connections from `source_ip` (mount it on a `requests.Session` for "http://")."""

    def __init__(self, source_ip: str) -> None:
        self.source_ip = source_ip
        super().__init__()

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        kwargs["source_address"] = (self.source_ip, 0)
        super().init_poolmanager(*args, **kwargs)
