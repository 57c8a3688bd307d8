"""Browser tests: the bank2xls pages driven in headless Chromium against the local server.

Needs Debian's chromium and the playwright package (`bash tools/browser_deps.sh`).
`playwright install` cannot download its own browser builds here, so Chromium is
Debian's, launched by path. The server is the e2e suite's `local_server` (reused
when one already answers, started otherwise); one browser per session, a fresh
context (cookies, storage) per test.
"""

from __future__ import annotations

import os
import re
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from tests.e2e.conftest import bank2xls_url, console_url, lnupload_url, local_server
from tools.local.template import ROOT

try:
    from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright
except ModuleNotFoundError as error:  # pragma: no cover - a clear message instead of a bare ImportError
    raise ImportError("the browser tests need playwright and chromium: run `bash tools/browser_deps.sh`") from error

__all__ = ["bank2xls_url", "console_url", "lnupload_url", "local_server"]  # the e2e suite's fixtures, reused here

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
TIMEOUT_MS = 15_000
SCREENSHOTS = ROOT / ".local" / "screenshots"
CODE = re.compile(r"\b(\d{6})\b")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "browser: drives the HTML pages in headless Chromium (tools/browser_deps.sh)")


@pytest.fixture(scope="session")
def chromium() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run `bash tools/browser_deps.sh`")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def context(chromium: Browser) -> Iterator[BrowserContext]:
    context = chromium.new_context(locale="fr-FR", timezone_id="Europe/Paris", viewport={"width": 1100, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    yield context
    context.close()


@pytest.fixture
def page(context: BrowserContext) -> Iterator[Page]:
    """A page whose script errors fail the test by name, rather than as a timeout on an element never drawn."""
    expect.set_options(timeout=TIMEOUT_MS)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    assert not errors, f"script errors on the page: {errors}"


@pytest.fixture
def email() -> str:
    """A new address per test: its own user, and its own OTP rate limit (5 per address and hour)."""
    return f"browser-{uuid.uuid4().hex[:12]}@example.com"


@pytest.fixture
def screenshots() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


class Mailbox:
    """The mail the local server sent through SES, read from the dev console."""

    def __init__(self, console_url: str) -> None:
        self.console_url = console_url

    def code_for(self, address: str, timeout: float = 10) -> str:
        deadline = time.monotonic() + timeout
        while True:
            answer = requests.get(f"{self.console_url}/mail", params={"to": address}, timeout=5)
            answer.raise_for_status()
            for message in answer.json()["messages"]:  # newest first
                if found := CODE.search(message["subject"]):
                    return found.group(1)
            if time.monotonic() > deadline:
                pytest.fail(f"no sign-in code mailed to {address} within {timeout} s")
            time.sleep(0.2)


@pytest.fixture(scope="session")
def mailbox(console_url: str) -> Mailbox:
    return Mailbox(console_url)
