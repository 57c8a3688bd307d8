"""The BTCPay fake's Greenfield answers and webhook deliveries, without sockets."""

from __future__ import annotations

import json
import threading
from decimal import Decimal

import pytest

from shared.btcpay import verify_signature
from tools.local.btcpay import Delivery, FakeBtcpay

STORE = "5Hy7oR3fQdW3pXoE1Ykn2e9rG6aTq8vLmN4bC1sD2fJx"
KEY = "local-greenfield-key"
AUTH = f"token {KEY}"
SECRET = "whsec-local"
METADATA = {"orderId": "gift-1", "buyerEmail": "buyer@example.com", "recipientName": "Jérôme"}


@pytest.fixture
def fake() -> FakeBtcpay:
    return FakeBtcpay(STORE, KEY, public_url="http://127.0.0.1:3999/btcpay/")


def new_invoice(fake: FakeBtcpay, amount: str = "15.00") -> dict:
    status, invoice = fake.create_invoice(AUTH, STORE, {"amount": amount, "currency": "eur", "metadata": METADATA})
    assert status == 200
    return invoice


def kinds(deliveries: list[Delivery]) -> list[str]:
    return [delivery.event["type"] for delivery in deliveries]


def test_a_created_invoice_has_greenfields_shape_and_order(fake):
    # Given a store with its default settings
    # When an invoice of "15.00" eur is created through the API
    invoice = new_invoice(fake)
    # Then it reads like BTCPay's InvoiceData: own fields first, amounts as decimal strings, unix times
    assert list(invoice)[:3] == ["id", "storeId", "amount"] and list(invoice)[-5:] == [
        "type",
        "currency",
        "metadata",
        "checkout",
        "receipt",
    ]
    assert invoice["amount"] == "15.00" and invoice["paidAmount"] == "0" and invoice["currency"] == "EUR"
    assert (invoice["status"], invoice["additionalStatus"], invoice["type"]) == ("New", "None", "Standard")
    assert invoice["storeId"] == STORE and invoice["metadata"] == METADATA
    assert invoice["checkoutLink"] == f"http://127.0.0.1:3999/btcpay/i/{invoice['id']}"
    assert isinstance(invoice["createdTime"], int)
    assert invoice["expirationTime"] == invoice["createdTime"] + 15 * 60
    assert invoice["monitoringExpiration"] == invoice["expirationTime"] + 24 * 60 * 60
    assert invoice["availableStatusesForManualMarking"] == ["Settled", "Invalid"]
    assert invoice["checkout"]["expirationMinutes"] == 15 and invoice["checkout"]["monitoringMinutes"] == 1440


def test_the_invoice_is_read_back_with_token_or_bearer_keys(fake):
    # Given an invoice created from the dev console (no key needed there)
    created = fake.create("21", "USD", {"orderId": "o-2"})
    # When it is read through the API with either accepted authorization scheme
    answers = [fake.get_invoice(scheme, STORE, created["id"]) for scheme in (f"token {KEY}", f"Bearer {KEY}")]
    # Then both answer it as created
    assert answers == [(200, created), (200, created)]


def test_missing_or_unknown_keys_are_refused_with_401(fake):
    # Given an invoice
    invoice_id = new_invoice(fake)["id"]
    # When it is read without a usable key, or with a wrong one
    missing = [fake.get_invoice(header, STORE, invoice_id) for header in (None, "", f"Basic {KEY}")]
    wrong = fake.get_invoice("token not-the-key", STORE, invoice_id)
    # Then BTCPay's unauthenticated errors come back
    required = {"code": "unauthenticated", "message": "Authentication is required for accessing this endpoint"}
    assert missing == [(401, required)] * 3
    assert wrong == (401, {"code": "unauthenticated", "message": "ApiKey authentication failed: Unknown API Key"})


def test_another_store_is_forbidden_with_the_missing_permission(fake):
    # Given a valid key
    # When it reads or creates invoices of a store it has no access to
    status, error = fake.get_invoice(AUTH, "another-store", "whatever")
    created_status, created_error = fake.create_invoice(AUTH, "another-store", {"amount": "1"})
    # Then 403 names the permission it lacks
    assert (status, error["code"]) == (403, "missing-permission")
    assert error["missingPermission"] == "btcpay.store.canviewinvoices"
    assert (created_status, created_error["missingPermission"]) == (403, "btcpay.store.cancreateinvoice")


def test_an_unknown_invoice_is_404_invoice_not_found(fake):
    # Given a store without that invoice
    # When it is read
    answer = fake.get_invoice(AUTH, STORE, "NoSuchInvoice111111111")
    # Then BTCPay's exact 404 body comes back
    assert answer == (404, {"code": "invoice-not-found", "message": "The invoice was not found"})


def test_invalid_creations_answer_422_and_no_amount_makes_a_top_up(fake):
    # Given requests with a negative amount, an unreadable amount, and no amount
    negative = fake.create_invoice(AUTH, STORE, {"amount": "-1", "currency": "EUR"})
    unreadable = fake.create_invoice(AUTH, STORE, {"amount": "fifteen"})
    status, top_up = fake.create_invoice(AUTH, STORE, {"currency": "EUR"})
    # Then the first two are validation errors on `amount`, the last a top-up invoice of amount 0
    assert negative == (422, [{"path": "amount", "message": "The amount should be 0 or more."}])
    assert unreadable[0] == 422 and unreadable[1][0]["path"] == "amount"
    assert (status, top_up["type"], top_up["amount"]) == (200, "TopUp", "0")
    with pytest.raises(ValueError):
        fake.create("-5", "EUR", {})


def test_a_lightning_settlement_sends_btcpays_events_in_order_signed(fake):
    # Given a registered webhook and an invoice
    webhook_id = fake.register_webhook("http://127.0.0.1:3002/api/btcpay-webhook", SECRET)
    invoice = new_invoice(fake)
    # When it is paid over Lightning
    deliveries = fake.settle(invoice["id"])
    # Then BTCPay's Lightning order comes, each delivery signed over its exact bytes
    assert kinds(deliveries) == [
        "InvoicePaymentSettled",
        "InvoiceReceivedPayment",
        "InvoiceProcessing",
        "InvoiceSettled",
    ]
    for delivery in deliveries:
        assert delivery.url == "http://127.0.0.1:3002/api/btcpay-webhook"
        assert delivery.headers["Content-Type"] == "application/json"
        assert verify_signature(delivery.body, delivery.headers["BTCPay-Sig"], SECRET)
        assert not verify_signature(delivery.body, delivery.headers["BTCPay-Sig"], "other-secret")
        assert "Jérôme".encode() in delivery.body and delivery.body.startswith(b"{\n  ")
        event = delivery.event
        assert event["originalDeliveryId"] == event["deliveryId"] and event["isRedelivery"] is False
        assert (event["webhookId"], event["storeId"], event["invoiceId"]) == (webhook_id, STORE, invoice["id"])
        assert event["metadata"] == METADATA and isinstance(event["timestamp"], int)
    assert len({delivery.delivery_id for delivery in deliveries}) == 4


def test_event_fields_follow_btcpays_event_classes(fake):
    # Given a webhook and an invoice paid over Lightning
    fake.register_webhook("http://receiver.invalid/hook", SECRET)
    payment_settled, received, processing, settled = (d.event for d in fake.settle(new_invoice(fake)["id"]))
    # Then the type-specific fields come first, as Newtonsoft writes derived properties first
    assert list(settled)[:3] == ["manuallyMarked", "overPaid", "deliveryId"]
    assert (settled["manuallyMarked"], settled["overPaid"], processing["overPaid"]) == (False, False, False)
    assert payment_settled["paymentMethodId"] == "BTC-LN" and payment_settled["afterExpiration"] is False
    payment = payment_settled["payment"]
    assert list(payment) == ["id", "receivedDate", "value", "fee", "status", "destination"]
    assert payment["status"] == "Settled" and Decimal(payment["value"]) > 0 and received["payment"] == payment


def test_the_settled_invoice_reads_settled_and_paid(fake):
    # Given a settled invoice
    invoice = new_invoice(fake)
    fake.settle(invoice["id"])
    # When it is read back
    _, read = fake.get_invoice(AUTH, STORE, invoice["id"])
    # Then it is Settled, fully paid, and can no longer be marked
    assert (read["status"], read["additionalStatus"], read["paidAmount"]) == ("Settled", "None", "15.00")
    assert read["availableStatusesForManualMarking"] == []


def test_onchain_and_manual_settlements_differ_from_lightning(fake):
    # Given a webhook and two invoices
    fake.register_webhook("http://receiver.invalid/hook", SECRET)
    onchain, manual = new_invoice(fake), new_invoice(fake)
    # When one is paid on-chain and the other marked settled by hand
    onchain_kinds = kinds(fake.settle(onchain["id"], via="onchain"))
    (marked,) = fake.settle(manual["id"], via="manual")
    # Then on-chain settles the payment after processing, and marking sends InvoiceSettled alone
    assert onchain_kinds == ["InvoiceReceivedPayment", "InvoiceProcessing", "InvoicePaymentSettled", "InvoiceSettled"]
    assert marked.event["type"] == "InvoiceSettled" and marked.event["manuallyMarked"] is True
    assert fake.get_invoice(AUTH, STORE, manual["id"])[1]["additionalStatus"] == "Marked"


def test_each_webhook_gets_its_own_signed_deliveries_and_only_its_events(fake):
    # Given one webhook for everything and one limited to InvoiceSettled
    everything = fake.register_webhook("http://a.invalid/hook", "secret-a")
    only_settled = fake.register_webhook("http://b.invalid/hook", "secret-b", events={"InvoiceSettled"})
    # When an invoice is paid
    deliveries = fake.settle(new_invoice(fake)["id"])
    # Then the limited webhook receives InvoiceSettled only, each signed with its own secret
    to_b = [d for d in deliveries if d.event["webhookId"] == only_settled]
    to_a = [d for d in deliveries if d.event["webhookId"] == everything]
    assert kinds(to_b) == ["InvoiceSettled"] and len(to_a) == 4
    assert verify_signature(to_b[0].body, to_b[0].headers["BTCPay-Sig"], "secret-b")
    assert all(verify_signature(d.body, d.headers["BTCPay-Sig"], "secret-a") for d in to_a)


def test_settling_twice_sends_nothing_and_unknown_invoices_raise(fake):
    # Given a settled invoice
    fake.register_webhook("http://receiver.invalid/hook", SECRET)
    invoice_id = new_invoice(fake)["id"]
    fake.settle(invoice_id)
    # When it is settled again, or an unknown one is
    # Then nothing more is sent, and the unknown one is a KeyError
    assert fake.settle(invoice_id) == []
    with pytest.raises(KeyError):
        fake.settle("NoSuchInvoice111111111")
    with pytest.raises(ValueError):
        fake.settle(new_invoice(fake)["id"], via="paypal")


def test_a_redelivery_has_a_new_id_and_points_to_the_first_delivery(fake):
    # Given a delivered InvoiceSettled
    fake.register_webhook("http://receiver.invalid/hook", SECRET)
    first = fake.settle(new_invoice(fake)["id"])[-1]
    # When it is redelivered, and that redelivery redelivered again
    again = fake.redelivery(first.delivery_id)
    third = fake.redelivery(again.delivery_id)
    # Then each has a new deliveryId, isRedelivery, the FIRST delivery as original, the same event otherwise
    for redelivered in (again, third):
        event, original = redelivered.event, first.event
        assert event["deliveryId"] not in (original["deliveryId"], None)
        assert event["originalDeliveryId"] == original["deliveryId"] and event["isRedelivery"] is True
        unchanged = ("type", "timestamp", "webhookId", "invoiceId", "storeId", "metadata", "manuallyMarked")
        assert all(event[key] == original[key] for key in unchanged)
        assert list(event)[:6] == ["deliveryId", "webhookId", "originalDeliveryId", "isRedelivery", "type", "timestamp"]
        assert verify_signature(redelivered.body, redelivered.headers["BTCPay-Sig"], SECRET)
    assert again.delivery_id != third.delivery_id
    with pytest.raises(KeyError):
        fake.redelivery("NoSuchDelivery")


def test_concurrent_creations_and_settlements_keep_every_invoice(fake):
    # Given a webhook and eight threads creating and settling invoices at once
    fake.register_webhook("http://receiver.invalid/hook", SECRET)
    results: list[list[Delivery]] = []

    def work() -> None:
        for _ in range(10):
            results.append(fake.settle(fake.create("1.00", "EUR", {})["id"]))

    threads = [threading.Thread(target=work) for _ in range(8)]
    # When they all run
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # Then every invoice exists, settled, with its four deliveries and distinct delivery ids
    assert len(fake.recent(limit=100)) == 80 and all(i["status"] == "Settled" for i in fake.recent(limit=100))
    ids = [d.delivery_id for batch in results for d in batch]
    assert len(ids) == 320 == len(set(ids))
    assert json.loads(results[0][0].body)["type"] == "InvoicePaymentSettled"
