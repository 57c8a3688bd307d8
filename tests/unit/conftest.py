"""Unit tests open no network sockets: what needs a server or an AWS endpoint is an integration test.

A socket may be created (the X-Ray SDK makes its UDP emitter's at import), but only an AF_UNIX one
(socketpairs, which asyncio and subprocess plumbing use) may connect, bind or send; anything else, and name
resolution, fails the test at once with NetworkRefused.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from typing import Any

import pytest


class NetworkRefused(RuntimeError):
    """A unit test tried to use the network (tests/unit/conftest.py)."""


class _UnixOnly(socket.socket):
    def _refuse(self) -> None:
        if self.family != socket.AF_UNIX:
            raise NetworkRefused("unit tests open no network socket")

    def connect(self, address: Any) -> None:
        self._refuse()
        super().connect(address)

    def connect_ex(self, address: Any) -> int:
        self._refuse()
        return super().connect_ex(address)

    def bind(self, address: Any) -> None:
        self._refuse()
        super().bind(address)

    def sendto(self, *args: Any) -> int:
        self._refuse()
        return super().sendto(*args)


def _no_resolution(*_args: Any, **_kwargs: Any) -> Any:
    raise NetworkRefused("unit tests resolve no names")


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(socket, "socket", _UnixOnly)
    monkeypatch.setattr(socket, "getaddrinfo", _no_resolution)
    monkeypatch.setattr(socket, "gethostbyname", _no_resolution)
    yield
