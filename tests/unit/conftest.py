"""Unit tests open no network sockets: what needs a server or an AWS endpoint is an integration test.

Every socket a test creates must be AF_UNIX (socketpairs, which asyncio and subprocess plumbing use);
anything else, and name resolution, fails the test at once with NetworkRefused.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from typing import Any

import pytest


class NetworkRefused(RuntimeError):
    """A unit test tried to use the network (tests/unit/conftest.py)."""


class _UnixOnly(socket.socket):
    def __init__(self, family: Any = -1, type: Any = -1, proto: int = -1, fileno: int | None = None) -> None:
        if fileno is None and family != socket.AF_UNIX:
            raise NetworkRefused("unit tests open no network socket")
        super().__init__(family, type, proto, fileno)


def _no_resolution(*_args: Any, **_kwargs: Any) -> Any:
    raise NetworkRefused("unit tests resolve no names")


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(socket, "socket", _UnixOnly)
    monkeypatch.setattr(socket, "getaddrinfo", _no_resolution)
    monkeypatch.setattr(socket, "gethostbyname", _no_resolution)
    yield
