"""End-to-end: real HTTP against the local server (started here unless one already answers).

Base URLs come from the environment, so the same tests smoke-test a deployed
stack: LNUPLOAD_URL=https://... make e2e (tests that need the dev console's
payment fakes are skipped there).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tools.local.template import ROOT

LOG = ROOT / ".local" / "e2e-server.log"
LOCAL_URLS = {
    "lnupload": "http://127.0.0.1:3000",
    "bank2xls": "http://127.0.0.1:3001",
    "cinq": "http://127.0.0.1:3002",
    "invoice_api": "http://127.0.0.1:3003",
    "filestore": "http://127.0.0.1:3004",
    "console": "http://127.0.0.1:3999",
}


def base_url(api: str) -> str:
    return os.environ.get(f"{api.upper()}_URL", LOCAL_URLS[api]).rstrip("/")


def _answers(url: str) -> bool:
    host, port = url.removeprefix("http://").split(":")
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((host, int(port))) == 0


@pytest.fixture(scope="session")
def local_server() -> Iterator[None]:
    if "LNUPLOAD_URL" in os.environ or _answers(LOCAL_URLS["lnupload"]):
        yield
        return
    LOG.parent.mkdir(exist_ok=True)
    with Path(LOG).open("wb") as log:
        process = subprocess.Popen([sys.executable, "-m", "tools.local.server"], cwd=ROOT, stderr=log, stdout=log)
        deadline = time.monotonic() + 60
        while b"ready" not in LOG.read_bytes():
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail(f"local server did not start:\n{LOG.read_text()[-3000:]}")
            time.sleep(0.2)
        yield
        process.terminate()
        process.wait(timeout=20)


@pytest.fixture(scope="session")
def lnupload_url(local_server: None) -> str:
    return base_url("lnupload")


@pytest.fixture(scope="session")
def bank2xls_url(local_server: None) -> str:
    return base_url("bank2xls")


@pytest.fixture(scope="session")
def cinq_url(local_server: None) -> str:
    return base_url("cinq")


@pytest.fixture(scope="session")
def invoice_api_url(local_server: None) -> str:
    return base_url("invoice_api")


@pytest.fixture(scope="session")
def filestore_url(local_server: None) -> str:
    return base_url("filestore")


@pytest.fixture(scope="session")
def console_url(local_server: None) -> str:
    if "LNUPLOAD_URL" in os.environ and "CONSOLE_URL" not in os.environ:
        pytest.skip("needs the dev console's payment fakes (local server only)")
    return base_url("console")
