from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from lnupload.settings import settings
from tests.events import load_event, with_body
from tests.integration import conftest as integration
from tests.integration.conftest import use_function_environment
from tools.local.lightning import FakeWallet
from tools.local.template import Template

GET_INVOICE = "lnupload.handlers.get_invoice"
GET_SIGNED_URL = "lnupload.handlers.get_signed_url"
CHECK_UPLOADED_FILE = "lnupload.handlers.check_uploaded_file"
NOT_FOUND = "lnupload.handlers.not_found"


@pytest.fixture
def lnupload(monkeypatch: pytest.MonkeyPatch, template: Template, wallet: tuple[FakeWallet, str]) -> FakeWallet:
    fake, url = wallet
    use_function_environment(monkeypatch, template, "LnuploadGetInvoiceFunction", LIGHTNING_API_URL=url)
    settings.cache_clear()
    yield fake
    settings.cache_clear()


class Client(integration.Client):
    api = "lnupload"


Invoker = Callable[[str, dict[str, Any]], tuple[int, Any, dict[str, str]]]


@pytest.fixture
def invoke() -> Invoker:
    """(status, JSON body, headers) of a handler module's answer to an event."""

    def call(module: str, event: dict[str, Any]) -> tuple[int, Any, dict[str, str]]:
        answer = Client().invoke(event, module)
        return answer.status, answer.json, answer.headers

    return call


def new_invoice(invoke: Invoker) -> str:
    _, body, _ = invoke(GET_INVOICE, load_event("lnupload", "get_invoice"))
    return str(body["payment_hash"])


def paid_invoice(invoke: Invoker, wallet: FakeWallet) -> str:
    payment_hash = new_invoice(invoke)
    wallet.pay(payment_hash)
    return payment_hash


def signed_url_event(payment_hash: str) -> dict:
    event = load_event("lnupload", "get_signed_url")
    return with_body(event, json.dumps({"payment-hash": payment_hash}))
