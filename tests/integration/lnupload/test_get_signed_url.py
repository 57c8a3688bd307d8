from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from lnupload.models import InvoiceItem
from tests.events import load_event, with_body
from tests.integration.lnupload.conftest import GET_SIGNED_URL, new_invoice, paid_invoice, signed_url_event


def test_unpaid_invoice_is_not_paid_yet(lnupload, invoke):
    payment_hash = new_invoice(invoke)
    status, body, _ = invoke(GET_SIGNED_URL, signed_url_event(payment_hash))
    assert (status, body) == (200, {"success": False, "message": "Invoice not paid yet."})


def test_paid_invoice_answers_success_with_an_upload_form(lnupload, invoke):
    # Given an invoice paid through the wallet
    payment_hash = paid_invoice(invoke, lnupload)
    # When the client polls
    status, body, _ = invoke(GET_SIGNED_URL, signed_url_event(payment_hash))
    # Then success, plus a presigned POST bound to this invoice's one incoming key
    assert status == 200 and body["success"] is True
    upload = body["upload"]
    assert upload["fields"]["key"] == f"incoming/{payment_hash}/file"
    assert upload["maxBytes"] == 104857600
    assert datetime.fromisoformat(upload["expiresAt"]) > datetime.now(UTC)
    assert InvoiceItem.get(InvoiceItem.key(payment_hash)).paid_at is not None


def test_the_documented_curl_body_form_encoded_and_base64_is_read_as_json(lnupload, invoke):
    # Given the events/ file: curl --data sends JSON as x-www-form-urlencoded, API Gateway base64s it
    payment_hash = paid_invoice(invoke, lnupload)
    event = load_event("lnupload", "get_signed_url")
    assert event["isBase64Encoded"] is True
    event = with_body(event, f'{{ "payment-hash": "{payment_hash}"}}', "application/x-www-form-urlencoded")
    # When it reaches the handler / Then it is understood
    assert invoke(GET_SIGNED_URL, event)[1]["success"] is True


def test_unknown_invoice(lnupload, invoke):
    _status, body, _ = invoke(GET_SIGNED_URL, signed_url_event("ab" * 32))
    assert body == {"success": False, "message": "Unknown invoice: request one with getInvoice first."}


def test_malformed_hash_missing_hash_and_bad_json_are_readable(lnupload, invoke):
    cases = {
        json.dumps({"payment-hash": "xyz"}): "Invalid payment hash",
        json.dumps({"payment-hash": ""}): "Missing payment hash",
        json.dumps({"other": 1}): "Missing payment hash",
        "{not json": "Invalid request",
        "": "Invalid request",
        "[1, 2]": "Invalid request",
    }
    for raw, expected in cases.items():
        event = with_body(load_event("lnupload", "get_signed_url"), raw)
        status, body, _ = invoke(GET_SIGNED_URL, event)
        assert status == 200 and body["success"] is False, raw
        assert body["message"].startswith(expected), (raw, body)


def test_expired_unpaid_invoice_says_expired(lnupload, invoke):
    # Given an unpaid invoice whose expiry has passed
    payment_hash = new_invoice(invoke)
    item = InvoiceItem.get(InvoiceItem.key(payment_hash))
    item.update(actions=[InvoiceItem.invoice_expires_at.set(datetime.now(UTC) - timedelta(seconds=1))])
    # When polled / Then the user is told to get a new invoice
    _, body, _ = invoke(GET_SIGNED_URL, signed_url_event(payment_hash))
    assert body["message"].startswith("This invoice has expired")
