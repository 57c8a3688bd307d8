"""End-to-end: real HTTP against the local server (started here unless one already answers).

Base URLs come from the environment, so the same tests smoke-test a deployed
stack: LNUPLOAD_URL=https://... make e2e (tests that need the dev console's
payment fakes are skipped there).
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from tools.local.local_values import CONSOLE_URL
from tools.local.running import EVERY_FUNCTION_WARM, LOG, local_stack
from tools.local.template import Template

LOCAL_URLS = {api.name: f"http://127.0.0.1:{api.port}" for api in Template().http_apis.values()}
LOCAL_URLS["console"] = CONSOLE_URL


def base_url(api: str) -> str:
    return os.environ.get(f"{api.upper()}_URL", LOCAL_URLS[api]).rstrip("/")


@pytest.fixture(scope="session")
def local_server() -> Iterator[None]:
    if "LNUPLOAD_URL" in os.environ:
        yield
        return
    try:
        # The fault proxy with no rule unless a test sets some. Every function kept warm: at make run's 24
        # environments the suite cold-started 282 times (hostile, fuzz, OpenAPI, chaos each evicting the rest).
        with local_stack(LOG.with_name("e2e-server.log"), faults=True, environments=EVERY_FUNCTION_WARM):
            yield
    except RuntimeError as failure:
        pytest.fail(str(failure))


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
