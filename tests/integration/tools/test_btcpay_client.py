"""BtcpayClient against the BTCPay fake's Greenfield routes over HTTP, and the fake's webhook deliveries over HTTP."""

from __future__ import annotations

import json
import re
import socket
import threading
from collections.abc import Iterator
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from shared.btcpay import BtcpayClient, BtcpayError, BtcpayInvoiceNotFound, verify_signature
from tools.local.btcpay import FakeBtcpay

STORE = "5Hy7oR3fQdW3pXoE1Ykn2e9rG6aTq8vLmN4bC1sD2fJx"
KEY = "local-greenfield-key"
SECRET = "whsec-local"
INVOICE_ROUTE = re.compile(r"/api/v1/stores/(?P<store>[^/]+)/invoices/(?P<invoice>[^/]+)")
CREATE_ROUTE = re.compile(r"/api/v1/stores/(?P<store>[^/]+)/invoices")


def serve(handler: type[BaseHTTPRequestHandler]) -> ThreadingHTTPServer:
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    return server


def stop(server: ThreadingHTTPServer) -> None:
    server.shutdown()
    server.server_close()


def greenfield(fake: FakeBtcpay) -> type[BaseHTTPRequestHandler]:
    """The two Greenfield routes, served as the dev console does: raw path segments handed to the fake."""

    class Greenfield(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            match = INVOICE_ROUTE.fullmatch(self.path)
            auth = self.headers.get("Authorization")
            self.answer(*fake.get_invoice(auth, match["store"], match["invoice"]) if match else (404, None))

        def do_POST(self) -> None:
            match = CREATE_ROUTE.fullmatch(self.path)
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            auth = self.headers.get("Authorization")
            self.answer(*fake.create_invoice(auth, match["store"], body) if match else (404, None))

        def answer(self, status: int, body: Any) -> None:
            payload = b"" if body is None else json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Greenfield


class Receiver:
    """A webhook endpoint recording each POST (path, headers, raw body), answering the statuses it is given."""

    def __init__(self) -> None:
        self.received: list[tuple[str, dict[str, str], bytes]] = []
        self.statuses: list[int] = []
        receiver = self

        class Hook(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                # header names lowercased, as API Gateway hands them to a Lambda (urllib title-cases them)
                headers = {name.lower(): value for name, value in self.headers.items()}
                receiver.received.append((self.path, headers, body))
                self.send_response(receiver.statuses.pop(0) if receiver.statuses else 200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = serve(Hook)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/api/btcpay-webhook"


@pytest.fixture
def fake() -> FakeBtcpay:
    return FakeBtcpay(STORE, KEY, retry_delays=(0, 0, 0))


@pytest.fixture
def base_url(fake: FakeBtcpay) -> Iterator[str]:
    server = serve(greenfield(fake))
    yield f"http://127.0.0.1:{server.server_address[1]}"
    stop(server)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    receiver = Receiver()
    yield receiver
    stop(receiver.server)


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_a_created_invoice_is_read_with_its_exact_decimal_amount(fake, base_url):
    # Given an invoice of "15.00" EUR created through the Greenfield route
    status, created = fake.create_invoice(f"token {KEY}", STORE, {"amount": "15.00", "currency": "EUR"})
    assert status == 200
    # When the client reads it
    invoice = BtcpayClient(base_url, KEY).get_invoice(STORE, created["id"])
    # Then every field is BTCPay's, the amount an exact Decimal
    assert invoice.amount == Decimal("15.00") and str(invoice.amount) == "15.00"
    assert (invoice.id, invoice.store_id, invoice.currency, invoice.status) == (created["id"], STORE, "EUR", "New")
    assert invoice.created_time == created["createdTime"] and invoice.settled is False


def test_the_client_sees_the_settlement_and_the_metadata(fake, base_url):
    # Given a gift purchase invoice, then paid
    metadata = {"buyerEmail": "buyer@example.com", "recipientName": "Jérôme", "orderId": "gift-7"}
    invoice_id = fake.create("0.10", "EUR", metadata)["id"]
    fake.settle(invoice_id)
    # When the client reads it
    invoice = BtcpayClient(base_url + "/", KEY).get_invoice(STORE, invoice_id)
    # Then it is settled, with the metadata given at creation
    assert invoice.settled and invoice.status == "Settled" and invoice.metadata == metadata
    assert invoice.amount == Decimal("0.10")


def test_an_unknown_invoice_raises_not_found(base_url):
    # Given no such invoice in the store
    client = BtcpayClient(base_url, KEY)
    # When the client reads it, also with an id trying to leave its path segment
    # Then BTCPay's 404 invoice-not-found becomes BtcpayInvoiceNotFound
    for invoice_id in ("NoSuchInvoice111111111", "../../invoices/x", "a/b?c=#d"):
        with pytest.raises(BtcpayInvoiceNotFound):
            client.get_invoice(STORE, invoice_id)


def test_a_bad_key_or_another_store_is_an_error_not_a_missing_invoice(fake, base_url):
    # Given an existing invoice
    invoice_id = fake.create("1", "EUR", {})["id"]
    # When it is read with a wrong key, or under a store the key cannot see
    # Then BtcpayError is raised, never BtcpayInvoiceNotFound
    for client, store in ((BtcpayClient(base_url, "wrong-key"), STORE), (BtcpayClient(base_url, KEY), "other-store")):
        with pytest.raises(BtcpayError) as raised:
            client.get_invoice(store, invoice_id)
        assert not isinstance(raised.value, BtcpayInvoiceNotFound)
        assert "wrong-key" not in str(raised.value)


def test_a_404_that_is_not_invoice_not_found_is_an_error(base_url):
    # Given a base URL pointing somewhere that answers 404 without Greenfield's code
    client = BtcpayClient(base_url + "/wrong-prefix", KEY)
    # When an invoice is read
    # Then it is a BtcpayError, not a missing invoice
    with pytest.raises(BtcpayError) as raised:
        client.get_invoice(STORE, "NoSuchInvoice111111111")
    assert not isinstance(raised.value, BtcpayInvoiceNotFound)


def test_a_server_that_is_down_is_an_error():
    # Given nothing listening on the base URL
    client = BtcpayClient(f"http://127.0.0.1:{closed_port()}", KEY, timeout=2.0)
    # When an invoice is read
    # Then BtcpayError says it is unreachable
    with pytest.raises(BtcpayError, match="unreachable"):
        client.get_invoice(STORE, "NoSuchInvoice111111111")


def test_deliver_posts_the_exact_signed_bytes_in_order(fake, receiver):
    # Given a registered webhook and a settled invoice's deliveries
    fake.register_webhook(receiver.url, SECRET)
    deliveries = fake.settle(fake.create("15.00", "EUR", {"recipientName": "Jérôme"})["id"])
    # When they are delivered
    statuses = fake.deliver(deliveries)
    # Then each arrived as built, in order: same bytes, BTCPay-Sig verifying over them, JSON content type
    assert statuses == [200] * 4 and len(receiver.received) == 4
    for delivery, (path, headers, body) in zip(deliveries, receiver.received, strict=True):
        assert path == "/api/btcpay-webhook" and body == delivery.body
        assert headers["btcpay-sig"] == delivery.headers["BTCPay-Sig"]
        assert headers["content-type"] == "application/json"
        assert verify_signature(body, headers["btcpay-sig"], SECRET)


def test_a_failed_delivery_is_retried_as_a_redelivery(fake, receiver):
    # Given a webhook endpoint that fails once with 503, then accepts
    fake.register_webhook(receiver.url, SECRET)
    receiver.statuses = [503]
    settled = fake.settle(fake.create("15.00", "EUR", {})["id"], via="manual")
    # When the delivery is sent
    statuses = fake.deliver(settled)
    # Then it was retried, as BTCPay does, with a new deliveryId pointing to the first one
    assert statuses == [200] and len(receiver.received) == 2
    first, retry = (json.loads(body) for _, _, body in receiver.received)
    assert retry["deliveryId"] != first["deliveryId"] and retry["originalDeliveryId"] == first["deliveryId"]
    assert (first["isRedelivery"], retry["isRedelivery"]) == (False, True)
    assert verify_signature(receiver.received[1][2], receiver.received[1][1]["btcpay-sig"], SECRET)


def test_client_errors_are_not_retried_and_a_dead_endpoint_gives_up(fake, receiver):
    # Given one endpoint answering 401 (a bad signature, say) and one where nothing listens
    fake.register_webhook(receiver.url, SECRET)
    receiver.statuses = [401]
    refused = fake.settle(fake.create("1", "EUR", {})["id"], via="manual")
    dead = FakeBtcpay(STORE, KEY, retry_delays=(0, 0, 0))
    dead.register_webhook(f"http://127.0.0.1:{closed_port()}/hook", SECRET)
    # When both are delivered
    # Then the 401 is final after one attempt, and the dead endpoint ends without an answer
    assert fake.deliver(refused) == [401] and len(receiver.received) == 1
    assert dead.deliver(dead.settle(dead.create("1", "EUR", {})["id"], via="manual")) == [None]


def test_redeliver_sends_a_past_delivery_again(fake, receiver):
    # Given an InvoiceSettled already delivered
    fake.register_webhook(receiver.url, SECRET)
    (first,) = fake.settle(fake.create("15.00", "EUR", {})["id"], via="manual")
    fake.deliver([first])
    # When it is redelivered from the console
    again = fake.redeliver(first.delivery_id)
    # Then the endpoint received the redelivery's exact bytes, marked as such
    assert receiver.received[-1][2] == again.body and len(receiver.received) == 2
    event = json.loads(again.body)
    assert event["isRedelivery"] is True and event["originalDeliveryId"] == first.delivery_id
