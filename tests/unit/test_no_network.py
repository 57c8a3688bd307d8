"""The guard of tests/unit/conftest.py: no network socket, no name resolution; socketpairs still work."""

from __future__ import annotations

import socket
import urllib.request

import pytest

from tests.unit.conftest import NetworkRefused


def test_network_sockets_and_name_resolution_are_refused() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as tcp, pytest.raises(NetworkRefused):
        tcp.connect(("127.0.0.1", 9))
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp, pytest.raises(NetworkRefused):
        udp.sendto(b"segment", ("127.0.0.1", 2000))
    with pytest.raises(NetworkRefused):
        socket.create_connection(("127.0.0.1", 9))
    with pytest.raises(NetworkRefused):
        urllib.request.urlopen("http://example.org", timeout=1)


def test_unix_socketpairs_are_allowed() -> None:
    left, right = socket.socketpair()
    with left, right:
        left.sendall(b"ok")
        assert right.recv(2) == b"ok"
