"""make run's behaviour: a taken port fails fast and says which; every request leaves one access line."""

from __future__ import annotations

import io
import socket
import subprocess
import sys
import threading

import requests

from tools.local import gateway
from tools.local.functions_pool import Invocation
from tools.local.logs import LogSink
from tools.local.server import PortInUse, check_ports
from tools.local.template import ROOT, HttpApi, Route


def test_check_ports_names_the_taken_port_and_its_owner():
    # Given a port held by someone else
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]

        # When the stack checks its ports
        try:
            check_ports({port: "bank2xls"})
        except PortInUse as taken:
            message = str(taken)
        else:
            raise AssertionError("no PortInUse")

    # Then the message says which, and what to do
    assert message == f"port {port} (bank2xls) is in use — is another `make run` running? Stop it or free the port."


def test_make_run_exits_2_within_seconds_when_a_port_is_taken():
    # Given bank2xls's port held (or, when a stack already runs, all of them)
    holder = socket.socket()
    try:
        holder.bind(("127.0.0.1", 3001))
        holder.listen()
        expected = "port 3001 (bank2xls) is in use"
    except OSError:
        expected = "is in use — is another `make run` running? Stop it or free the port."
    try:
        # When the local server starts (the timeout is the hang the check prevents, not a speed bound)
        done = subprocess.run(
            [sys.executable, "-m", "tools.local.server"], cwd=ROOT, capture_output=True, text=True, timeout=120
        )
    finally:
        holder.close()

    # Then it stops at once with exit code 2 and says which port and what to do
    assert done.returncode == 2, done.stderr[-2000:]
    assert expected in done.stderr
    assert "Traceback" not in done.stderr


def test_each_request_leaves_one_access_line():
    # Given a gateway on a free port whose function answers 201, cold then warm
    api = HttpApi("DemoApi", 0, {}, [Route("POST", "/items", "CreateFunction")], {"demo"})
    starts = iter([True, False])

    def invoke(function: str, event: dict) -> Invocation:
        return Invocation({"statusCode": 201, "body": "{}"}, cold=next(starts), ms=1.0)

    out = io.StringIO()
    server = gateway.serve(api, invoke, log=LogSink(out, colour=False))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        # When two requests and an unknown route come in
        requests.post(f"{base}/items?secret=x", timeout=5)
        requests.post(f"{base}/items", timeout=5)
        requests.get(f"{base}/nowhere", timeout=5)
    finally:
        server.shutdown()
        server.server_close()

    # Then there is one line each: api, method, path (no query), status, ms, function, cold or warm
    lines = [line.split(" ", 1)[1] for line in out.getvalue().splitlines()]
    assert len(lines) == 3
    assert lines[0].startswith("demo        POST /items 201 ") and lines[0].endswith("ms CreateFunction cold")
    assert lines[1].endswith("ms CreateFunction warm")
    assert lines[2].startswith("demo        GET /nowhere 404 ")
    assert "secret" not in out.getvalue()
