"""BTCPay's signed webhooks (from the BTCPay-compatible store) fed to the handler; amounts read back over Greenfield."""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Iterator

import pytest
from moto.core import DEFAULT_ACCOUNT_ID
from moto.ses.models import ses_backends

from cinq import gifts
from cinq.settings import settings
from tests.events import load_event
from tests.faults import failing
from tests.integration.cinq.conftest import Client
from tools.local.btcpay import Delivery, FakeBtcpay
from tools.local.console import Console, serve
from tools.local.lightning import FakeWallet
from tools.local.local_values import BTCPAY_STORE_ID, LOCAL_SECRETS

SECRET = LOCAL_SECRETS["BtcpayWebhookSecretSecret"]
REQUEST_ID = load_event("cinq", "btcpay_webhook")["requestContext"]["requestId"]


@pytest.fixture(scope="module")
def btcpay_store(template) -> Iterator[tuple[FakeBtcpay, str]]:
    store = FakeBtcpay(BTCPAY_STORE_ID, LOCAL_SECRETS["BtcpayApiKeySecret"], retry_delays=())
    store.register_webhook("http://127.0.0.1:9/unused", SECRET)  # deliveries are handed to the handler here
    server = serve(Console(template, FakeWallet("unused"), "http://127.0.0.1:1", btcpay=store), port=0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield store, f"http://127.0.0.1:{server.server_address[1]}/btcpay"
    server.shutdown()


@pytest.fixture
def btcpay(cinq, monkeypatch, btcpay_store) -> FakeBtcpay:
    store, url = btcpay_store
    monkeypatch.setenv("BTCPAY_URL", url)
    settings.cache_clear()
    return store


def post(delivery: Delivery, signature: str | None = None):
    headers = {"btcpay-sig": signature if signature is not None else delivery.headers["BTCPay-Sig"]}
    return Client().call("btcpay_webhook", raw=delivery.body.decode(), headers=headers)


def settled(store: FakeBtcpay, email: str, amount: str = "15.00", currency: str = "EUR") -> list[Delivery]:
    invoice = store.create(amount, currency, {"buyerEmail": email, "orderId": f"order-{uuid.uuid4().hex[:6]}"})
    return store.settle(invoice["id"])


def mail_to(email: str) -> list:
    return [
        m for m in ses_backends[DEFAULT_ACCOUNT_ID]["us-east-1"].sent_messages if email in m.destinations["ToAddresses"]
    ]


def test_a_settled_invoice_creates_one_gift_code_and_mails_it_to_the_buyer(btcpay):
    email = f"buyer-{uuid.uuid4().hex[:8]}@example.com"
    deliveries = settled(btcpay, email)
    answers = [post(delivery) for delivery in deliveries]
    assert all(answer.status == 200 for answer in answers)
    created = [a.json for a in answers if a.json["action"] == "created"]
    assert len(created) == 1
    gift = created[0]["giftCode"]
    assert created[0] == {
        "success": True,
        "message": "Gift code created successfully",
        "requestId": REQUEST_ID,
        "invoiceId": deliveries[0].event["invoiceId"],
        "giftCode": {
            "id": gift["id"],
            "prefix": gift["prefix"],
            "amount": gift["amount"],
            "expiresAt": gift["expiresAt"],
        },
        "action": "created",
    }
    assert gift["amount"] == {"cents": 1500, "formatted": "15.00 EUR"} and gift["prefix"].startswith("CINQ-")
    mails = mail_to(email)
    assert len(mails) == 1
    code = next(word for word in mails[0].body.replace("<", " ").replace(">", " ").split() if word.startswith("CINQ-"))
    assert gifts.find(code).prefix == gift["prefix"]


def test_redeliveries_create_nothing(btcpay):
    email = f"buyer-{uuid.uuid4().hex[:8]}@example.com"
    deliveries = settled(btcpay, email)
    for delivery in deliveries:
        post(delivery)
    settle_event = next(d for d in deliveries if d.event["type"] == "InvoiceSettled")
    again = post(btcpay.redelivery(settle_event.delivery_id))
    assert (again.status, again.json) == (
        200,
        {
            "success": True,
            "message": "Already processed",
            "requestId": REQUEST_ID,
            "invoiceId": settle_event.event["invoiceId"],
            "action": "already_processed",
        },
    )
    assert len(mail_to(email)) == 1


def test_forged_or_missing_signatures_are_401(btcpay):
    delivery = settled(btcpay, "x@example.com")[-1]
    assert post(delivery, signature="sha256=" + "0" * 64).status == 401
    assert post(delivery, signature="").status == 401
    tampered = Delivery(delivery.url, delivery.body.replace(b"false", b"true", 1), delivery.headers)
    assert post(tampered).status == 401


def test_unsettled_invoices_and_bad_payloads_are_400_other_events_acknowledged(btcpay):
    invoice = btcpay.create("15.00", "EUR", {"buyerEmail": "early@example.com"})
    body = json.dumps(
        {
            "type": "InvoiceSettled",
            "invoiceId": invoice["id"],
            "storeId": BTCPAY_STORE_ID,
            "deliveryId": "d1",
            "metadata": {},
        }
    ).encode()
    early = Delivery("u", body, {"BTCPay-Sig": _sign(body)})
    assert post(early).status == 400
    garbage = Delivery("u", b"not json", {"BTCPay-Sig": _sign(b"not json")})
    assert post(garbage).status == 400
    other = json.dumps({"type": "InvoiceExpired", "invoiceId": invoice["id"], "storeId": BTCPAY_STORE_ID}).encode()
    acknowledged = post(Delivery("u", other, {"BTCPay-Sig": _sign(other)}))
    assert (acknowledged.status, acknowledged.json) == (
        200,
        {
            "success": True,
            "message": "Event acknowledged",
            "requestId": REQUEST_ID,
            "type": "InvoiceExpired",
            "action": "acknowledged",
        },
    )
    for wrong in ({"type": "InvoiceSettled", "invoiceId": 7, "storeId": BTCPAY_STORE_ID}, {"type": ["x"]}, [1]):
        signed_wrong = json.dumps(wrong).encode()
        refused = post(Delivery("u", signed_wrong, {"BTCPay-Sig": _sign(signed_wrong)}))
        assert (refused.status, refused.json["code"]) == (400, "INVALID_REQUEST")


def _sign(body: bytes) -> str:
    from tools.local.btcpay import sign

    return sign(body, SECRET)


def test_a_failed_mail_is_answered_503_so_btcpay_redelivers_and_the_code_is_mailed_then_resent_on_demand(btcpay):
    # Given SES throttling when the first gift event of a settled invoice arrives
    email = f"buyer-{uuid.uuid4().hex[:8]}@example.com"
    deliveries = [d for d in settled(btcpay, email) if d.event["type"] in ("InvoicePaymentSettled", "InvoiceSettled")]
    with failing("sesv2", "SendEmail", "TooManyRequestsException", 429):
        first = post(deliveries[0])
    # Then BTCPay is told to retry (it does for 5xx) and nothing was mailed
    assert (first.status, first.json["code"]) == (503, "SERVICE_UNAVAILABLE") and mail_to(email) == []
    # When BTCPay redelivers it, then the code is mailed; the invoice's other gift event mails nothing more
    assert post(btcpay.redelivery(deliveries[0].delivery_id)).json["action"] == "already_processed"
    assert post(deliveries[1]).json["action"] == "already_processed"
    assert len(mail_to(email)) == 1
    # When the store owner redelivers the event that minted the code (the buyer lost the mail), it is sent again
    post(btcpay.redelivery(deliveries[0].delivery_id))
    codes = {word for mail in mail_to(email) for word in mail.body.replace("<", " ").replace(">", " ").split()}
    assert len(mail_to(email)) == 2 and len({word for word in codes if word.startswith("CINQ-")}) == 1
