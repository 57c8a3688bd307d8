"""The dev console (port 3999): the payment fakes' APIs, a CDN for uploaded files, and an HTML page.

Routes (the contract scripts and tests use):
  GET  /                                      HTML: recent Lightning invoices with a Pay button
  POST /lightning/api/v1/payments             LNbits: create an invoice (X-Api-Key: invoice key)
  GET  /lightning/api/v1/payments/{hash}      LNbits: payment status
  GET  /lightning/invoices                    JSON list of recent invoices
  POST /lightning/invoices/{hash}/pay         mark an invoice paid
  GET  /cdn/{DistributionLogicalId}/{path}    what that CloudFront distribution would serve
  GET  /stripe/checkout/{id}                  Stripe Checkout page (Pay button)
  POST /stripe/checkout/sessions/{id}/complete pay a checkout session: subscription, invoice, webhooks
  GET  /stripe/portal/{id}                    Billing Portal page (cancel button)
  POST /stripe/portal/{id}/cancel             cancel at period end
  GET  /stripe/invoices/{id}                  hosted invoice page
  POST /stripe/clock/advance {"days": N}      move Stripe's clock: due subscriptions renew or end
  GET  /btcpay/api/v1/stores/{store}/invoices/{id}   BTCPay Greenfield: an invoice (Authorization: token <key>)
  POST /btcpay/api/v1/stores/{store}/invoices        BTCPay Greenfield: create an invoice
  POST /btcpay/invoices {"amount","currency","metadata"}  create an invoice (no key: a script's shortcut)
  GET  /btcpay/invoices                       recent BTCPay invoices
  POST /btcpay/invoices/{id}/settle           settle it: signed webhooks delivered before the answer
  POST /btcpay/deliveries/{id}/redeliver      send a past webhook again, as BTCPay's "Redeliver"
  GET  /mail?to=<email>                       mail sent through SES (moto), newest first:
                                              {"messages": [{"to", "subject", "text", "html"}]}
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import boto3
import requests
from botocore.exceptions import ClientError

from tools.local import http_server
from tools.local.btcpay import FakeBtcpay
from tools.local.http_server import LocalServer
from tools.local.lightning import FakeWallet
from tools.local.stripe_fake import StripeFake
from tools.local.template import Template

Reply = tuple[int, str, bytes, dict[str, str]]  # status, content type, body, other headers


def _json(status: int, payload: Any) -> Reply:
    return status, "application/json", json.dumps(payload).encode(), {}


class Console:
    def __init__(
        self,
        template: Template,
        wallet: FakeWallet,
        aws_endpoint: str,
        stripe: StripeFake | None = None,
        btcpay: FakeBtcpay | None = None,
    ) -> None:
        self.template = template
        self.wallet = wallet
        self.stripe = stripe
        self.btcpay = btcpay
        self.aws_endpoint = aws_endpoint
        self.s3 = boto3.client(
            "s3",
            endpoint_url=aws_endpoint,
            region_name="us-east-1",
            aws_access_key_id="local",
            aws_secret_access_key="local",  # noqa: S106 - moto
        )
        self.routes: list[tuple[str, re.Pattern[str], Callable[..., Reply]]] = [
            ("GET", re.compile(r"/"), self.page),
            ("POST", re.compile(r"/lightning/api/v1/payments"), self.ln_create),
            ("GET", re.compile(r"/lightning/api/v1/payments/(?P<payment_hash>[^/]+)"), self.ln_status),
            ("GET", re.compile(r"/lightning/invoices"), self.ln_list),
            ("POST", re.compile(r"/lightning/invoices/(?P<payment_hash>[^/]+)/pay"), self.ln_pay),
            ("GET", re.compile(r"/cdn/(?P<distribution>\w+)/(?P<path>.+)"), self.cdn),
            ("GET", re.compile(r"/mail"), self.mail),
            ("GET", re.compile(r"/stripe/(?P<kind>checkout|portal|invoices)/(?P<object_id>[\w-]+)"), self.stripe_page),
            ("POST", re.compile(r"/stripe/checkout/sessions/(?P<object_id>[\w-]+)/complete"), self.stripe_complete),
            ("POST", re.compile(r"/stripe/portal/(?P<object_id>[\w-]+)/cancel"), self.stripe_cancel),
            ("POST", re.compile(r"/stripe/clock/advance"), self.stripe_clock),
            ("GET", re.compile(r"/btcpay/api/v1/stores/(?P<store>[\w-]+)/invoices/(?P<invoice>[\w-]+)"), self.bp_get),
            ("POST", re.compile(r"/btcpay/api/v1/stores/(?P<store>[\w-]+)/invoices"), self.bp_create_api),
            ("POST", re.compile(r"/btcpay/invoices"), self.bp_create),
            ("GET", re.compile(r"/btcpay/invoices"), self.bp_list),
            ("POST", re.compile(r"/btcpay/invoices/(?P<invoice>[\w-]+)/settle"), self.bp_settle),
            ("POST", re.compile(r"/btcpay/deliveries/(?P<delivery>[\w-]+)/redeliver"), self.bp_redeliver),
        ]

    def dispatch(self, method: str, target: str, headers: dict[str, str], body: bytes) -> Reply:
        url = urlsplit(target)
        query = dict(parse_qsl(url.query))
        for verb, pattern, action in self.routes:
            found = pattern.fullmatch(url.path)
            if found and verb == method:
                return action(headers=headers, body=body, query=query, **found.groupdict())
        return _json(404, {"detail": "Not Found"})

    # ------------------------------------------------------------ lightning
    def ln_create(self, headers: dict[str, str], body: bytes, query: dict[str, str]) -> Reply:
        try:
            payload = json.loads(body or b"{}")
        except ValueError:
            return _json(400, {"detail": "Invalid JSON"})
        return _json(*self.wallet.create(headers.get("x-api-key"), payload))

    def ln_status(self, headers: dict[str, str], body: bytes, query: dict[str, str], payment_hash: str) -> Reply:
        return _json(*self.wallet.status(headers.get("x-api-key"), payment_hash))

    def ln_pay(self, headers: dict[str, str], body: bytes, query: dict[str, str], payment_hash: str) -> Reply:
        return _json(*self.wallet.pay(payment_hash))

    def ln_list(self, headers: dict[str, str], body: bytes, query: dict[str, str]) -> Reply:
        return _json(
            200,
            [
                {
                    "payment_hash": i.payment_hash,
                    "amount_sat": i.amount_sat,
                    "memo": i.memo,
                    "paid": i.paid,
                    "bolt11": i.bolt11,
                }
                for i in self.wallet.recent()
            ],
        )

    # ------------------------------------------------------------------ cdn
    def cdn(self, headers: dict[str, str], body: bytes, query: dict[str, str], distribution: str, path: str) -> Reply:
        """As CloudFront would: the object with its stored type and disposition, plus the policy's headers."""
        if distribution not in self.template.of_type("AWS::CloudFront::Distribution"):
            return _json(404, {"detail": "Unknown distribution"})
        bucket, prefix = self.template.distribution_origin(distribution)
        policy = self.template.distribution_headers(distribution)
        key = f"{prefix}/{path}" if prefix else path
        try:
            obj = self.s3.get_object(Bucket=bucket, Key=key)
        except ClientError:
            # CloudFront with OAC answers 403 for a missing object.
            return 403, "application/xml", b"<Error><Code>AccessDenied</Code></Error>", policy
        stored = {"Content-Disposition": obj["ContentDisposition"]} if obj.get("ContentDisposition") else {}
        return 200, obj.get("ContentType", "application/octet-stream"), obj["Body"].read(), {**stored, **policy}

    # --------------------------------------------------------------- stripe
    def stripe_page(
        self, headers: dict[str, str], body: bytes, query: dict[str, str], kind: str, object_id: str
    ) -> Reply:
        if self.stripe is None:
            return _json(404, {"detail": "Stripe fake not running"})
        render = {
            "checkout": self.stripe.checkout_page,
            "portal": self.stripe.portal_page,
            "invoices": self.stripe.invoice_page,
        }[kind]
        page = render(object_id)
        if page is None:
            return _json(404, {"detail": f"No such {kind}: {object_id}"})
        return 200, "text/html; charset=utf-8", page.encode(), {}

    def stripe_complete(self, headers: dict[str, str], body: bytes, query: dict[str, str], object_id: str) -> Reply:
        return self._stripe_action(lambda stripe: stripe.complete_checkout(object_id))

    def stripe_cancel(self, headers: dict[str, str], body: bytes, query: dict[str, str], object_id: str) -> Reply:
        return self._stripe_action(lambda stripe: stripe.cancel_from_portal(object_id))

    def stripe_clock(self, headers: dict[str, str], body: bytes, query: dict[str, str]) -> Reply:
        try:
            days = int(json.loads(body or b"{}").get("days", 0))
        except (ValueError, TypeError, AttributeError):
            return _json(400, {"detail": 'Send {"days": N}'})
        if days <= 0:
            return _json(400, {"detail": "days must be a positive integer"})
        return self._stripe_action(lambda stripe: stripe.advance_clock(days))

    def _stripe_action(self, action: Callable[[StripeFake], dict[str, Any]]) -> Reply:
        if self.stripe is None:
            return _json(404, {"detail": "Stripe fake not running"})
        try:
            return _json(200, action(self.stripe))
        except KeyError as exc:
            return _json(404, {"detail": f"Unknown object {exc}"})

    # --------------------------------------------------------------- btcpay
    def bp_get(self, headers: dict[str, str], body: bytes, query: dict[str, str], store: str, invoice: str) -> Reply:
        if self.btcpay is None:
            return _json(404, {"detail": "BTCPay fake not running"})
        return _json(*self.btcpay.get_invoice(headers.get("authorization"), store, invoice))

    def bp_create_api(self, headers: dict[str, str], body: bytes, query: dict[str, str], store: str) -> Reply:
        if self.btcpay is None:
            return _json(404, {"detail": "BTCPay fake not running"})
        return _json(*self.btcpay.create_invoice(headers.get("authorization"), store, _loads(body)))

    def bp_create(self, headers: dict[str, str], body: bytes, query: dict[str, str]) -> Reply:
        if self.btcpay is None:
            return _json(404, {"detail": "BTCPay fake not running"})
        payload = _loads(body)
        if not isinstance(payload, dict):
            return _json(400, {"detail": 'Send {"amount": "15.00", "currency": "EUR", "metadata": {...}}'})
        try:
            invoice = self.btcpay.create(
                str(payload.get("amount", "")), str(payload.get("currency", "EUR")), dict(payload.get("metadata") or {})
            )
        except ValueError as exc:
            return _json(400, {"detail": str(exc)})
        return _json(201, invoice)

    def bp_list(self, headers: dict[str, str], body: bytes, query: dict[str, str]) -> Reply:
        if self.btcpay is None:
            return _json(404, {"detail": "BTCPay fake not running"})
        return _json(200, self.btcpay.recent())

    def bp_settle(self, headers: dict[str, str], body: bytes, query: dict[str, str], invoice: str) -> Reply:
        if self.btcpay is None:
            return _json(404, {"detail": "BTCPay fake not running"})
        try:
            deliveries = self.btcpay.settle(invoice)
        except KeyError:
            return _json(404, {"detail": f"No such invoice: {invoice}"})
        statuses = self.btcpay.deliver(deliveries)
        return _json(
            200,
            {
                "invoiceId": invoice,
                "deliveries": [
                    {"deliveryId": d.delivery_id, "type": d.event["type"], "url": d.url, "status": status}
                    for d, status in zip(deliveries, statuses, strict=True)
                ],
            },
        )

    def bp_redeliver(self, headers: dict[str, str], body: bytes, query: dict[str, str], delivery: str) -> Reply:
        if self.btcpay is None:
            return _json(404, {"detail": "BTCPay fake not running"})
        try:
            sent = self.btcpay.redeliver(delivery)
        except KeyError:
            return _json(404, {"detail": f"No such delivery: {delivery}"})
        return _json(200, {"deliveryId": sent.delivery_id, "type": sent.event["type"]})

    # ----------------------------------------------------------------- mail
    def mail(self, headers: dict[str, str], body: bytes, query: dict[str, str]) -> Reply:
        return _json(200, {"messages": sent_mail(self.aws_endpoint, query.get("to"))})

    # ----------------------------------------------------------------- page
    def page(self, headers: dict[str, str], body: bytes, query: dict[str, str]) -> Reply:
        rows = "".join(
            f"<tr><td><code>{html.escape(i.payment_hash[:16])}…</code></td><td>{i.amount_sat} sat</td>"
            f"<td>{html.escape(i.memo)}</td><td>{'paid' if i.paid else 'pending'}</td><td>"
            + ("" if i.paid else f"<button onclick=\"pay('{i.payment_hash}')\">Pay</button>")
            + "</td></tr>"
            for i in self.wallet.recent()
        )
        page = (Path(__file__).with_name("console.html")).read_text().replace("{{invoices}}", rows)
        return 200, "text/html; charset=utf-8", page.encode(), {}


def _loads(body: bytes) -> Any:
    try:
        return json.loads(body or b"{}")
    except ValueError:
        return None


def sent_mail(aws_endpoint: str, to: str | None = None) -> list[dict[str, str]]:
    """Mail SES (moto) accepted, newest first. moto keeps only the HTML part when both are sent."""
    data = requests.get(f"{aws_endpoint}/moto-api/data.json", timeout=10).json()
    messages = []
    for message in reversed(data.get("ses", {}).get("Message", [])):
        recipients = [address.lower() for address in message.get("destinations", {}).get("ToAddresses", [])]
        if to and to.strip().lower() not in recipients:
            continue
        html_body = message.get("body", "")
        text = re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", html_body))).strip()
        messages.append(
            {"to": ", ".join(recipients), "subject": message.get("subject", ""), "text": text, "html": html_body}
        )
    return messages


def serve(console: Console, port: int, host: str = "127.0.0.1") -> LocalServer:
    def respond(request: BaseHTTPRequestHandler) -> None:
        length = int(request.headers.get("Content-Length") or 0)
        body = request.rfile.read(length) if length else b""
        headers = {name.lower(): value for name, value in request.headers.items()}
        status, content_type, data, extra = console.dispatch(request.command, request.path, headers, body)
        request.send_response(status)
        request.send_header("Content-Type", content_type)
        for name, value in extra.items():
            request.send_header(name, value)
        request.send_header("Content-Length", str(len(data)))
        request.send_header("Access-Control-Allow-Origin", "*")
        request.end_headers()
        request.wfile.write(data)

    return http_server.serve(port, respond, host, name="dev-console")
