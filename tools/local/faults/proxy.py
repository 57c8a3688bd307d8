"""The fault proxy: an HTTP reverse proxy in front of moto that fails requests by the rules in force.

The functions' AWS_ENDPOINT_URL points here when faults are on (`make run FAULTS=1`, and the tests' stack);
without rules every request is forwarded unchanged. moto's own API (`/moto-api/...`) is never faulted. The
stack's own tools (provisioning, the console's mail box and CDN, the chaos checks) talk to moto directly.
"""

from __future__ import annotations

import http.client
import socket
import struct
import threading
import time
from http.server import BaseHTTPRequestHandler

from tools.local import http_server
from tools.local.faults.aws import error_answer, identify
from tools.local.faults.rules import Rules
from tools.local.http_server import LocalServer

HOP_BY_HOP = frozenset(
    {"connection", "keep-alive", "proxy-connection", "transfer-encoding", "te", "trailer", "upgrade", "expect"}
)
UPSTREAM_TIMEOUT = 120.0


class FaultProxy:
    def __init__(self, upstream_port: int, port: int, rules: Rules, host: str = "127.0.0.1") -> None:
        self.upstream = (host, upstream_port)
        self.port = port
        self.host = host
        self.rules = rules
        self._local = threading.local()
        self.server: LocalServer | None = None

    @property
    def endpoint(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> None:
        self.server = http_server.serve(self.port, self._respond, self.host, name="fault-proxy")
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, name="fault-proxy", daemon=True).start()

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None

    # ------------------------------------------------------------------------------------------------ requests
    def _respond(self, request: BaseHTTPRequestHandler) -> None:
        try:
            self._handle(request)
        except (ConnectionError, TimeoutError, OSError):
            request.close_connection = True  # the client went away, or moto did: nothing more to say

    def _handle(self, request: BaseHTTPRequestHandler) -> None:
        body = _read_body(request)
        headers = {name.lower(): value for name, value in request.headers.items()}
        path, _, query = request.path.partition("?")
        if not path.startswith("/moto-api"):
            call = identify(request.command, path, query, headers, body)
            decision = self.rules.decide(call.service, call.operation)
            if decision.error == "hang":
                time.sleep(decision.hang_seconds)
                return drop(request)
            if decision.delay:
                time.sleep(decision.delay)
            if decision.error == "drop":
                return drop(request)
            if decision.error is not None:
                status, answer_headers, data = error_answer(call, decision.error, request.command, headers)
                return _answer(request, status, list(answer_headers.items()), data, head=request.command == "HEAD")
        status, upstream_headers, data = self._forward(request.command, request.path, request.headers.items(), body)
        _answer(request, status, upstream_headers, data, head=request.command == "HEAD")

    def _forward(
        self, method: str, target: str, headers: object, body: bytes
    ) -> tuple[int, list[tuple[str, str]], bytes]:
        sent = [(name, value) for name, value in headers if name.lower() not in HOP_BY_HOP]  # type: ignore[attr-defined]
        for attempt in range(2):
            connection, reused = self._connection()
            try:
                connection.putrequest(method, target, skip_host=True, skip_accept_encoding=True)
                for name, value in sent:
                    if name.lower() != "content-length":
                        connection.putheader(name, value)
                if body or method in ("POST", "PUT", "PATCH"):
                    connection.putheader("Content-Length", str(len(body)))
                connection.endheaders(body or None)
                response = connection.getresponse()
                data = response.read()
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                self._local.connection = None
                connection.close()
                if reused and attempt == 0:  # a kept-alive connection moto had closed: once more on a new one
                    continue
                raise
            kept = [(name, value) for name, value in response.getheaders() if name.lower() not in HOP_BY_HOP]
            if response.will_close:
                self._local.connection = None
                connection.close()
            return response.status, kept, data
        raise ConnectionError("moto did not answer")

    def _connection(self) -> tuple[http.client.HTTPConnection, bool]:
        connection = getattr(self._local, "connection", None)
        if connection is not None:
            return connection, True
        connection = http.client.HTTPConnection(*self.upstream, timeout=UPSTREAM_TIMEOUT)
        self._local.connection = connection
        return connection, False


def _read_body(request: BaseHTTPRequestHandler) -> bytes:
    if request.headers.get("Transfer-Encoding", "").lower() == "chunked":
        chunks: list[bytes] = []
        while True:
            size = int(request.rfile.readline().split(b";", 1)[0].strip() or b"0", 16)
            if size == 0:
                while request.rfile.readline() not in (b"\r\n", b"\n", b""):
                    pass  # trailers
                return b"".join(chunks)
            chunks.append(request.rfile.read(size))
            request.rfile.readline()
    length = int(request.headers.get("Content-Length") or 0)
    return request.rfile.read(length) if length else b""


def _answer(
    request: BaseHTTPRequestHandler, status: int, headers: list[tuple[str, str]], data: bytes, *, head: bool
) -> None:
    request.send_response_only(status)
    length_sent = False
    for name, value in headers:
        if name.lower() == "content-length":
            if not head:
                continue
            length_sent = True
        request.send_header(name, value)
    if not head or not length_sent:
        request.send_header("Content-Length", str(len(data)))
    request.end_headers()
    if not head:
        request.wfile.write(data)


def drop(request: BaseHTTPRequestHandler) -> None:
    """Close the connection without an answer (a reset: the client sees its connection aborted)."""
    request.close_connection = True
    request.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
