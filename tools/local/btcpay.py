"""A BTCPay Server store speaking the Greenfield API (v1) subset we use, and sending signed webhooks like BTCPay.

State and methods answering `(status, body)`; `routes()` at the end is what the dev console serves under its
base URL (Greenfield, the store owner's shortcuts, the invoice's checkout page, the webhook deliveries).
Shapes and behaviour follow btcpayserver/btcpayserver (paths relative to that repository):

- invoices: Client/Models/InvoiceData.cs and GreenfieldInvoiceController.ToModel. Newtonsoft writes a derived
  class's own properties before its base class's, hence `id, storeId, amount, ...` first and `type, currency,
  metadata, checkout, receipt` last. Decimals are strings (NumericStringJsonConverter), times unix seconds.
  Store defaults (Data/StoreBlob.cs): currency USD, expiration 15 minutes, monitoring 1 day.
- errors: 401 `unauthenticated` for a missing or unknown key, 403 `missing-permission` for another store
  (Security/GreenField/*, BuiltInPermissionHandler.cs), 404 `invoice-not-found`, 422 `[{path, message}]`.
- webhooks (Plugins/Webhooks/*, Client/Models/WebhookInvoiceEvent.cs): indented camelCase JSON, non-ASCII left
  unescaped, `BTCPay-Sig: sha256=<hex HMAC-SHA256(UTF-8 secret, body)>`. A first delivery has
  `originalDeliveryId == deliveryId` and `isRedelivery: false`; a redelivery re-sends the stored body with a new
  `deliveryId`, `isRedelivery: true`, the first `originalDeliveryId` and the original `timestamp`. Failed
  deliveries (no answer, 5xx, 408, 429) are retried as redeliveries, in order per webhook.

Event order on payment (HostedServices/InvoiceWatcher.cs, Services/Invoices/PaymentService.cs, the listeners):
  lightning: InvoicePaymentSettled, InvoiceReceivedPayment, InvoiceProcessing, InvoiceSettled
  onchain:   InvoiceReceivedPayment, InvoiceProcessing, (confirmation) InvoicePaymentSettled, InvoiceSettled
  manual:    InvoiceSettled with manuallyMarked true, no payment events
"""

from __future__ import annotations

import hashlib
import hmac
import html
import http.client
import json
import re
import secrets
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

from tools.local.local_values import CONSOLE_URL
from tools.local.web import Reply, Request, Route, answer, html_reply, json_reply, page

Answer = tuple[int, Any]  # a dict, or for 422 BTCPay's list of {path, message}
SettleVia = Literal["lightning", "onchain", "manual"]

VIEW_INVOICES = "btcpay.store.canviewinvoices"
CREATE_INVOICE = "btcpay.store.cancreateinvoice"
PAYMENT_METHODS = ("BTC-CHAIN", "BTC-LN")
FAKE_RATE = Decimal(100_000)  # invoice currency units per BTC, whatever the currency (the fake has no rates)
SATS = Decimal("0.00000001")
DELIVERY_TIMEOUT = 5.0
RETRY_DELAYS = (0.5, 1.0, 2.0)  # BTCPay waits 10 s, 1 min, then 10 min six times; locally, shorter and fewer
_BASE_FIELDS = ("deliveryId", "webhookId", "originalDeliveryId", "isRedelivery", "type", "timestamp")
_AUTH = re.compile(r"^(token|bearer)\s+(\S+)", re.IGNORECASE)
_B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def new_id(size: int = 16) -> str:
    """BTCPay's ids: Base58 of random bytes (16 for invoices, webhooks and deliveries, 32 for stores)."""
    raw = secrets.token_bytes(size)
    number, out = int.from_bytes(raw), ""
    while number:
        number, digit = divmod(number, 58)
        out = _B58[digit] + out
    return "1" * (len(raw) - len(raw.lstrip(b"\0"))) + out


def sign(body: bytes, secret: str) -> str:
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def _serialize(event: dict[str, Any]) -> bytes:
    return json.dumps(event, indent=2, ensure_ascii=False).encode("utf-8")


@dataclass(frozen=True)
class Delivery:
    url: str
    body: bytes
    headers: dict[str, str] = field(hash=False)

    @property
    def event(self) -> dict[str, Any]:
        event: dict[str, Any] = json.loads(self.body)
        return event

    @property
    def delivery_id(self) -> str:
        return str(self.event["deliveryId"])


@dataclass(frozen=True)
class DeliveryAnswer:
    url: str
    status: int | None  # None: no answer (refused, timed out)
    body: str  # the first 2,000 characters of the answer
    at: float


@dataclass(frozen=True)
class Webhook:
    id: str
    url: str
    secret: str
    events: frozenset[str] | None  # None: every event, as BTCPay's "everything"

    def wants(self, kind: str) -> bool:
        return self.events is None or kind in self.events


@dataclass
class FakeInvoice:
    id: str
    store_id: str
    amount: Decimal
    currency: str
    type: str
    metadata: dict[str, Any]
    created: int
    expiration: int
    monitoring: int
    redirect_url: str | None
    checkout_link: str
    status: str = "New"
    additional_status: str = "None"
    paid: Decimal = Decimal(0)

    def as_greenfield(self) -> dict[str, Any]:
        marking = {
            "New": ["Settled", "Invalid"],
            "Processing": ["Settled", "Invalid"],
            "Expired": ["Settled", "Invalid"],
            "Invalid": ["Settled"],
            "Settled": ["Invalid"] if self.additional_status == "Marked" else [],
        }[self.status]
        return {
            "id": self.id,
            "storeId": self.store_id,
            "amount": str(self.amount),
            "paidAmount": str(self.paid),
            "checkoutLink": self.checkout_link,
            "status": self.status,
            "additionalStatus": self.additional_status,
            "monitoringExpiration": self.monitoring,
            "expirationTime": self.expiration,
            "createdTime": self.created,
            "availableStatusesForManualMarking": marking,
            "archived": False,
            "type": self.type,
            "currency": self.currency,
            "metadata": json.loads(json.dumps(self.metadata)),
            "checkout": {
                "speedPolicy": "MediumSpeed",
                "paymentMethods": list(PAYMENT_METHODS),
                "defaultPaymentMethod": None,
                "expirationMinutes": (self.expiration - self.created) // 60,
                "monitoringMinutes": (self.monitoring - self.expiration) // 60,
                "paymentTolerance": 0.0,
                "redirectURL": self.redirect_url,
                "redirectAutomatically": False,
                "defaultLanguage": None,
                "lazyPaymentMethods": None,
            },
            "receipt": {"enabled": True, "showQR": True, "showPayments": True},
        }


class InvalidRequest(ValueError):
    """A 422 answer. Only "The amount should be 0 or more." is BTCPay's wording; the other messages are ours."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(message)
        self.path = path


class FakeBtcpay:
    def __init__(
        self,
        store_id: str,
        api_key: str,
        *,
        public_url: str = f"{CONSOLE_URL}/btcpay",
        retry_delays: Sequence[float] = RETRY_DELAYS,
    ) -> None:
        self.store_id = store_id
        self.api_key = api_key
        self.public_url = public_url.rstrip("/")
        self.retry_delays = tuple(retry_delays)
        self._invoices: dict[str, FakeInvoice] = {}
        self._webhooks: dict[str, Webhook] = {}
        self._sent: dict[str, tuple[str, bytes]] = {}  # deliveryId -> (webhookId, body), for redelivery
        self._answers: dict[str, DeliveryAnswer] = {}  # deliveryId -> what the endpoint answered
        self._lock = threading.RLock()

    # ------------------------------------------------------------ Greenfield routes
    def get_invoice(self, auth_header: str | None, store_id: str, invoice_id: str) -> Answer:
        """GET /api/v1/stores/{storeId}/invoices/{invoiceId}"""
        refused = self._refuse(auth_header, store_id, VIEW_INVOICES)
        if refused:
            return refused
        with self._lock:
            invoice = self._invoices.get(invoice_id)
            if invoice is None or invoice.store_id != store_id:
                return 404, {"code": "invoice-not-found", "message": "The invoice was not found"}
            return 200, invoice.as_greenfield()

    def create_invoice(self, auth_header: str | None, store_id: str, body: Any) -> Answer:
        """POST /api/v1/stores/{storeId}/invoices {amount, currency, metadata, checkout}"""
        refused = self._refuse(auth_header, store_id, CREATE_INVOICE)
        if refused:
            return refused
        try:
            if not isinstance(body, dict):
                raise InvalidRequest("", "The request body must be a JSON object")  # wording ours
            invoice = self._new_invoice(body)
        except InvalidRequest as invalid:
            return 422, [{"path": invalid.path, "message": str(invalid)}]
        return 200, invoice.as_greenfield()

    # ------------------------------------------------------------ dev console operations
    def create(self, amount: str, currency: str, metadata: dict[str, Any]) -> dict[str, Any]:
        """An invoice as the store's owner would create it (no API key); raises ValueError on a bad amount."""
        return self._new_invoice({"amount": amount, "currency": currency, "metadata": metadata}).as_greenfield()

    def recent(self, limit: int = 50) -> list[dict[str, Any]]:
        with self._lock:
            newest = sorted(self._invoices.values(), key=lambda invoice: invoice.created, reverse=True)
            return [invoice.as_greenfield() for invoice in newest[:limit]]

    def register_webhook(self, url: str, secret: str, events: Collection[str] | None = None) -> str:
        """A store webhook; `events` limits it to those types (BTCPay's specificEvents), None sends everything."""
        webhook = Webhook(new_id(), url, secret, frozenset(events) if events is not None else None)
        with self._lock:
            self._webhooks[webhook.id] = webhook
        return webhook.id

    def settle(self, invoice_id: str, via: SettleVia = "lightning") -> list[Delivery]:
        """Pays the invoice in full (or marks it settled) and returns the webhook deliveries BTCPay would send,
        in its order, one per registered webhook wanting each event; nothing when it is already settled.
        KeyError for an unknown invoice, ValueError for an unknown `via`."""
        if via not in ("lightning", "onchain", "manual"):
            raise ValueError(f"settle via lightning, onchain or manual, not {via!r}")
        with self._lock:
            invoice = self._invoices[invoice_id]
            if invoice.status == "Settled":
                return []
            invoice.status = "Settled"
            if via == "manual":
                invoice.additional_status = "Marked"
                return self._emit(invoice, [("InvoiceSettled", {"manuallyMarked": True, "overPaid": False})])
            invoice.paid = invoice.amount
            received, settled = self._payment_events(invoice, via)
            processing = ("InvoiceProcessing", {"overPaid": False})
            done = ("InvoiceSettled", {"manuallyMarked": False, "overPaid": False})
            order = (
                [settled, received, processing, done] if via == "lightning" else [received, processing, settled, done]
            )
            return self._emit(invoice, order)

    def redelivery(self, delivery_id: str) -> Delivery:
        """The redelivery of a past delivery, as BTCPay builds it; KeyError for an unknown delivery."""
        with self._lock:
            webhook_id, body = self._sent[delivery_id]
            webhook = self._webhooks[webhook_id]
            old = json.loads(body)
            new_delivery = new_id()
            # BTCPay reads the stored body as a bare WebhookEvent: its own fields first, the rest as they were.
            event = {
                "deliveryId": new_delivery,
                "webhookId": webhook.id,
                "originalDeliveryId": old.get("originalDeliveryId") or delivery_id,
                "isRedelivery": True,
                "type": old["type"],
                "timestamp": old["timestamp"],
            } | {key: value for key, value in old.items() if key not in _BASE_FIELDS}
            return self._record(webhook, event)

    def redeliver(self, delivery_id: str) -> Delivery:
        """Re-sends a past delivery (BTCPay's Redeliver); returns the new delivery."""
        delivery = self.redelivery(delivery_id)
        self.deliver([delivery])
        return delivery

    def deliver(self, deliveries: Sequence[Delivery]) -> list[int | None]:
        """POSTs each delivery in order; the final HTTP status of each (None: never answered).

        As BTCPay, a delivery without answer or answered 5xx, 408 or 429 is retried, each retry being a
        redelivery (new deliveryId, isRedelivery true), before the next delivery is sent."""
        results: list[int | None] = []
        for delivery in deliveries:
            status = self._send(delivery)
            for delay in self.retry_delays:
                if not _should_retry(status):
                    break
                time.sleep(delay)
                delivery = self.redelivery(delivery.delivery_id)
                status = self._send(delivery)
            results.append(status)
        return results

    def answer_to(self, delivery_id: str) -> DeliveryAnswer | None:
        """What the endpoint answered to a delivery (None: not sent yet)."""
        with self._lock:
            return self._answers.get(delivery_id)

    def delivery_log(self, limit: int = 200) -> list[dict[str, Any]]:
        """Sent deliveries, newest first, with their answers: the store's "Webhook deliveries" page."""
        with self._lock:
            answers = sorted(self._answers.items(), key=lambda item: item[1].at, reverse=True)[:limit]
            shown = []
            for delivery_id, answered in answers:
                event = json.loads(self._sent[delivery_id][1])
                shown.append(
                    {
                        "deliveryId": delivery_id,
                        "originalDeliveryId": event.get("originalDeliveryId"),
                        "isRedelivery": event.get("isRedelivery"),
                        "type": event.get("type"),
                        "invoiceId": event.get("invoiceId"),
                        "url": answered.url,
                        "status": answered.status,
                        "answer": answered.body,
                        "at": answered.at,
                    }
                )
            return shown

    def invoice(self, invoice_id: str) -> dict[str, Any] | None:
        """An invoice as the Greenfield API shows it (no key: the console and the checkout page)."""
        with self._lock:
            found = self._invoices.get(invoice_id)
            return found.as_greenfield() if found else None

    def _send(self, delivery: Delivery) -> int | None:
        status, body = _post(delivery)
        with self._lock:
            self._answers[delivery.delivery_id] = DeliveryAnswer(delivery.url, status, body, time.time())
        return status

    # ------------------------------------------------------------ internals
    def _refuse(self, auth_header: str | None, store_id: str, permission: str) -> Answer | None:
        match = _AUTH.match(auth_header or "")
        if match is None:
            return 401, {"code": "unauthenticated", "message": "Authentication is required for accessing this endpoint"}
        if not secrets.compare_digest(match.group(2).encode(), self.api_key.encode()):
            return 401, {"code": "unauthenticated", "message": "ApiKey authentication failed: Unknown API Key"}
        if store_id != self.store_id:
            message = (
                f'Insufficient API Permissions. Please use an API key with permission "{permission}". '
                "You can create an API key in your account's settings / Api Keys."
            )
            return 403, {"missingPermission": permission, "code": "missing-permission", "message": message}
        return None

    def _new_invoice(self, body: dict[str, Any]) -> FakeInvoice:
        amount = _amount(body.get("amount"))
        metadata, checkout = body.get("metadata") or {}, body.get("checkout") or {}
        if not isinstance(metadata, dict):
            raise InvalidRequest("metadata", "The metadata must be a JSON object")
        if not isinstance(checkout, dict):
            raise InvalidRequest("checkout", "The checkout options must be a JSON object")
        currency = body.get("currency") or "USD"
        if not isinstance(currency, str):
            raise InvalidRequest("currency", "The currency must be a string")
        created = int(time.time())
        expiration = created + 60 * _minutes(checkout, "expirationMinutes", 15)
        invoice_id = new_id()
        invoice = FakeInvoice(
            id=invoice_id,
            store_id=self.store_id,
            amount=amount if amount is not None else Decimal(0),
            currency=currency.strip().upper(),
            type="Standard" if amount is not None else "TopUp",
            metadata=json.loads(json.dumps(metadata)),
            created=created,
            expiration=expiration,
            monitoring=expiration + 60 * _minutes(checkout, "monitoringMinutes", 24 * 60),
            redirect_url=checkout.get("redirectURL") if isinstance(checkout.get("redirectURL"), str) else None,
            checkout_link=f"{self.public_url}/i/{invoice_id}",
        )
        with self._lock:
            self._invoices[invoice.id] = invoice
        return invoice

    def _payment_events(self, invoice: FakeInvoice, via: SettleVia) -> tuple[tuple[str, Any], tuple[str, Any]]:
        value = invoice.amount if invoice.currency == "BTC" else (invoice.amount / FAKE_RATE).quantize(SATS)
        if via == "lightning":
            payment_id = secrets.token_hex(32)  # a payment hash
            method, destination = "BTC-LN", f"lnbcrt-fake-{payment_id[:20]}"  # not a decodable BOLT11
        else:
            payment_id = f"{secrets.token_hex(32)}-0"  # txid-vout
            method, destination = "BTC-CHAIN", f"bcrt1q-fake-{secrets.token_hex(16)}"  # not a real address

        def payment(status: str) -> dict[str, Any]:
            return {
                "afterExpiration": False,
                "paymentMethodId": method,
                "payment": {
                    "id": payment_id,
                    "receivedDate": int(time.time()),
                    "value": str(value),
                    "fee": "0",
                    "status": status,
                    "destination": destination,
                },
            }

        received = ("InvoiceReceivedPayment", payment("Settled" if via == "lightning" else "Processing"))
        return received, ("InvoicePaymentSettled", payment("Settled"))

    def _emit(self, invoice: FakeInvoice, events: list[tuple[str, dict[str, Any]]]) -> list[Delivery]:
        deliveries = []
        for kind, fields in events:
            for webhook in self._webhooks.values():
                if not webhook.wants(kind):
                    continue
                delivery_id = new_id()
                event = fields | {
                    "deliveryId": delivery_id,
                    "webhookId": webhook.id,
                    "originalDeliveryId": delivery_id,
                    "isRedelivery": False,
                    "type": kind,
                    "timestamp": int(time.time()),
                    "storeId": invoice.store_id,
                    "invoiceId": invoice.id,
                    "metadata": json.loads(json.dumps(invoice.metadata)),
                }
                deliveries.append(self._record(webhook, event))
        return deliveries

    def _record(self, webhook: Webhook, event: dict[str, Any]) -> Delivery:
        body = _serialize(event)
        with self._lock:
            self._sent[event["deliveryId"]] = (webhook.id, body)
        headers = {"Content-Type": "application/json", "BTCPay-Sig": sign(body, webhook.secret)}
        return Delivery(webhook.url, body, headers)


def _amount(value: Any) -> Decimal | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None  # a top-up invoice
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise InvalidRequest("amount", "The amount should be a decimal number")
    try:
        amount = Decimal(value.strip() if isinstance(value, str) else repr(value))
    except InvalidOperation:
        raise InvalidRequest("amount", "The amount should be a decimal number") from None
    if not amount.is_finite():
        raise InvalidRequest("amount", "The amount should be a decimal number")
    if amount < 0:
        raise InvalidRequest("amount", "The amount should be 0 or more.")
    return amount


def _minutes(checkout: dict[str, Any], key: str, default: int) -> int:
    value = checkout.get(key)
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 1:
        raise InvalidRequest(f"checkout.{key}", f"{key} must be a number of minutes, at least 1")
    return int(value)


def _should_retry(status: int | None) -> bool:
    return status is None or status >= 500 or status in (408, 429)


def _post(delivery: Delivery) -> tuple[int | None, str]:
    request = urllib.request.Request(delivery.url, data=delivery.body, headers=delivery.headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=DELIVERY_TIMEOUT) as response:
            return int(response.status), response.read(2000).decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return int(error.code), error.read(2000).decode("utf-8", "replace")
    except (urllib.error.URLError, http.client.HTTPException, OSError) as error:
        return None, f"no answer: {error}"


# ---------------------------------------------------------------- the dev console's BTCPay routes
class _StoreRoutes:
    """The console's BTCPay handlers, over one store."""

    def __init__(self, store: FakeBtcpay) -> None:
        self.store = store

    def get_invoice(self, request: Request) -> Reply:
        params = request.params
        return answer(self.store.get_invoice(request.headers.get("authorization"), params["store"], params["invoice"]))

    def create_invoice(self, request: Request) -> Reply:
        auth = request.headers.get("authorization")
        return answer(self.store.create_invoice(auth, request.params["store"], request.json()))

    def create(self, request: Request) -> Reply:
        payload = request.json()
        if not isinstance(payload, dict):
            return json_reply(400, {"detail": 'Send {"amount": "15.00", "currency": "EUR", "metadata": {...}}'})
        try:
            amount, currency = str(payload.get("amount", "")), str(payload.get("currency", "EUR"))
            invoice = self.store.create(amount, currency, dict(payload.get("metadata") or {}))
        except ValueError as exc:
            return json_reply(400, {"detail": str(exc)})
        return json_reply(201, invoice)

    def settle(self, request: Request) -> Reply:
        invoice = request.params["invoice"]
        try:
            deliveries = self.store.settle(invoice)
        except KeyError:
            return json_reply(404, {"detail": f"No such invoice: {invoice}"})
        statuses = self.store.deliver(deliveries)
        sent = [
            {"deliveryId": d.delivery_id, "type": d.event["type"], "url": d.url, "status": status}
            for d, status in zip(deliveries, statuses, strict=True)
        ]
        return json_reply(200, {"invoiceId": invoice, "deliveries": sent})

    def redeliver(self, request: Request) -> Reply:
        try:
            sent = self.store.redeliver(request.params["delivery"])
        except KeyError:
            return json_reply(404, {"detail": f"No such delivery: {request.params['delivery']}"})
        answered = self.store.answer_to(sent.delivery_id)
        shown = {"deliveryId": sent.delivery_id, "type": sent.event["type"], "url": sent.url}
        return json_reply(
            200, shown | {"status": answered.status if answered else None, "answer": answered and answered.body}
        )

    def checkout(self, request: Request) -> Reply:
        invoice = self.store.invoice(request.params["invoice"])
        if invoice is None:
            return html_reply(page("Invoice not found", "<h1>Invoice not found</h1>", subtitle="BTCPay (local)"), 404)
        return html_reply(checkout_page(invoice, self.store.public_url))


def routes(store: FakeBtcpay) -> list[Route]:
    """Greenfield (with the API key), the store owner's shortcuts (no key), the checkout page, deliveries."""
    handlers = _StoreRoutes(store)
    return [
        Route("GET", "/btcpay/api/v1/stores/{store}/invoices/{invoice}", handlers.get_invoice),
        Route("POST", "/btcpay/api/v1/stores/{store}/invoices", handlers.create_invoice),
        Route("POST", "/btcpay/invoices", handlers.create),
        Route("GET", "/btcpay/invoices", lambda _: json_reply(200, store.recent())),
        Route("POST", "/btcpay/invoices/{invoice}/settle", handlers.settle),
        Route("GET", "/btcpay/deliveries", lambda _: json_reply(200, store.delivery_log())),
        Route("POST", "/btcpay/deliveries/{delivery}/redeliver", handlers.redeliver),
        Route("GET", "/btcpay/i/{invoice}", handlers.checkout),
    ]


def checkout_page(invoice: dict[str, Any], public_url: str) -> str:
    """The invoice's checkoutLink: amount, state, and a button that pays it (settles it, webhooks sent)."""
    amount = f"{html.escape(invoice['amount'])} {html.escape(invoice['currency'])}"
    settled = invoice["status"] == "Settled"
    redirect = invoice["checkout"].get("redirectURL")
    back = f'<p><a href="{html.escape(redirect)}">Return to the shop</a></p>' if redirect else ""
    if settled:
        action = f'<p id="state"><strong>Paid</strong>: this invoice is settled.</p>{back}'
    else:
        settle = f"{public_url}/invoices/{invoice['id']}/settle"
        script = (
            "event.preventDefault();this.querySelector('button').disabled=true;"
            "fetch(this.action,{method:'POST'}).then(r=>{if(r.ok)location.reload();else alert('HTTP '+r.status)})"
        )
        action = (
            f'<p id="state">Waiting for payment (status {html.escape(invoice["status"])}).</p>'
            f'<form method="post" action="{html.escape(settle)}" onsubmit="{script}">'
            "<button>Pay (simulated Lightning payment)</button></form>"
        )
    title = f"Invoice {invoice['id']}"
    body = f"<h1>Pay {amount}</h1><p><small>{html.escape(title)}</small></p>{action}"
    return page(title, body, subtitle="BTCPay Server (local, simulated)")
