from __future__ import annotations

import json

import pytest

from lnupload.settings import settings
from tests.events import load_event, with_body
from tests.integration.conftest import Invoker, use_function_environment
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
