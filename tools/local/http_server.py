"""The HTTP server under the local gateway and the dev console: any method, many clients, no Nagle stall."""

from __future__ import annotations

from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

Respond = Callable[[BaseHTTPRequestHandler], None]


class LocalServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # the default 5 resets connections from 16+ parallel clients


def serve(port: int, respond: Respond, host: str = "127.0.0.1", name: str = "local") -> LocalServer:
    """A server that hands every request, whatever its method (TRACE, PROPFIND, ...), to `respond`."""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = name
        # Headers and body go out in two writes; with Nagle on, keep-alive clients wait ~40 ms for each.
        disable_nagle_algorithm = True

        def __getattr__(self, attribute: str) -> Any:
            if attribute.startswith("do_"):  # http.server answers 501 to methods it has no do_X for
                return lambda: respond(self)
            raise AttributeError(attribute)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return LocalServer((host, port), Handler)
