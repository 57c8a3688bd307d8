"""A local stack for scripts and tests: the one already answering, or `make run`'s server started for the run."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from tools.local.local_values import CONSOLE_PORT, MOTO_PORT, STRIPE_PORT
from tools.local.template import ROOT, Template

LOG = ROOT / ".local" / "server.log"
# Live environments for a server that passes over every route (the suite, make fuzz, make chaos): room for all
# 56 functions and some concurrency. At make run's 24 each pass evicts and cold-starts them all again.
EVERY_FUNCTION_WARM = 80


def answers(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((host, port)) == 0


def local_urls() -> dict[str, str]:
    """Each HTTP API's local base URL, by API name (ports from the template)."""
    return {api.name: f"http://127.0.0.1:{api.port}" for api in Template().http_apis.values()}


class StackUnavailable(RuntimeError):
    """The local server could not be started (ports taken, or it never said it was ready)."""


@contextmanager
def local_stack(
    log: Path = LOG,
    timeout: float = 90,
    faults: bool = False,
    environments: int | None = None,
    environment: Mapping[str, str] | None = None,
) -> Iterator[None]:
    """Yields once every API answers; stops the server afterwards only if it started it here (with the fault
    proxy when `faults`: see tools/local/faults; at most `environments` live, make run's cap by default).
    `environment`: variables for the server and its workers (make capacity's recorder); a running server has
    none of them, so the stack's ports must then be free."""
    ports = [api.port for api in Template().http_apis.values()]
    if environment is None and all(answers(port) for port in ports):
        yield
        return
    if environment is not None and (busy := [p for p in (*ports, MOTO_PORT, STRIPE_PORT, CONSOLE_PORT) if answers(p)]):
        raise StackUnavailable(f"ports {busy} are in use: stop `make run` first")
    log.parent.mkdir(exist_ok=True)
    with log.open("wb") as output:
        command = [sys.executable, "-m", "tools.local.server", *(["--faults"] if faults else [])]
        if environments is not None:
            command += ["--max-environments", str(environments)]
        variables = {**os.environ, **(environment or {})}
        process = subprocess.Popen(command, cwd=ROOT, env=variables, stderr=output, stdout=output)
        try:
            deadline = time.monotonic() + timeout
            while b"ready" not in log.read_bytes():
                if process.poll() is not None or time.monotonic() > deadline:
                    raise StackUnavailable(f"local server did not start:\n{log.read_text()[-3000:]}")
                time.sleep(0.2)
            yield
        finally:
            process.terminate()  # the server stops its workers, moto and the fakes on SIGTERM
            try:
                process.wait(timeout=90)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
