from __future__ import annotations

import re

import bolt11

from lnupload.models import InvoiceItem
from tests.events import load_event
from tests.integration.lnupload.conftest import GET_INVOICE

ISO_MILLIS_Z = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z")


def test_returns_a_real_bolt11_invoice_whose_hash_is_the_payment_hash(lnupload, invoke):
    # Given the API configured with the spec's defaults (100 sat, memo "100", 48 h)
    # When a client asks for an invoice
    status, body, _ = invoke(GET_INVOICE, load_event("lnupload", "get_invoice"))
    # Then it gets the documented fields, and the BOLT11 carries that very payment hash
    assert status == 200
    assert body["success"] is True and body["message"] == "Invoice generated successfully."
    assert ISO_MILLIS_Z.fullmatch(body["date"])
    decoded = bolt11.decode(body["payment_request"])
    assert decoded.payment_hash == body["payment_hash"]
    assert decoded.amount_msat == 100_000
    assert decoded.description == "100"
    assert decoded.expiry == 48 * 3600


def test_records_the_invoice_unpaid(lnupload, invoke):
    _, body, _ = invoke(GET_INVOICE, load_event("lnupload", "get_invoice"))
    item = InvoiceItem.get(InvoiceItem.key(body["payment_hash"]))
    assert item.payment_request == body["payment_request"]
    assert item.paid_at is None and item.file_key is None
    assert item.expires_at > item.invoice_expires_at  # TTL keeps the record past the invoice


def test_wallet_down_is_a_readable_failure_not_a_500(lnupload, invoke, monkeypatch):
    # Given a wallet URL nobody listens on
    from lnupload.settings import settings

    monkeypatch.setenv("LIGHTNING_API_URL", "http://127.0.0.1:9")
    settings.cache_clear()
    # When an invoice is requested
    status, body, _ = invoke(GET_INVOICE, load_event("lnupload", "get_invoice"))
    # Then the envelope says so, with HTTP 200 as the spec demands
    assert status == 200
    assert body == {
        "success": False,
        "message": "The Lightning payment service is unavailable, please try again in a moment.",
    }
