"""The dev console (port 3999): one page over the whole local world, and the routes of every fake.

Each fake exports its routes (tools/local/lightning.py, btcpay.py, stripe_fake/pages.py); the console adds
the mail box (SES, read from moto), the CDN and the page (console.html). Routes scripts and tests use:

  GET  /                                      the console: Mail, Lightning, Stripe, BTCPay tabs
  GET  /mail?to=<email>                       mail sent through SES, newest first:
                                              {"messages": [{"id", "from", "to", "subject", "text", "html", "codes"}]}
  GET  /mail/{id}                             one message, its HTML rendered with its codes highlighted
  POST /lightning/api/v1/payments             LNbits: create an invoice (X-Api-Key: invoice key)
  GET  /lightning/api/v1/payments/{hash}      LNbits: payment status
  GET  /lightning/invoices                    recent invoices
  POST /lightning/invoices/{hash}/pay         mark an invoice paid
  GET  /cdn/{DistributionLogicalId}/{path}    what that CloudFront distribution would serve
  GET  /stripe/checkout/{id}                  Stripe Checkout page (Pay button)
  POST /stripe/checkout/sessions/{id}/complete pay a checkout session: subscription, invoice, webhooks
  GET  /stripe/portal/{id}                    Billing Portal page (cancel button)
  POST /stripe/portal/{id}/cancel             cancel at period end
  GET  /stripe/invoices/{id}                  hosted invoice page
  POST /stripe/clock/advance {"days": N}      move Stripe's clock: due subscriptions renew or end
  GET  /stripe/overview                       sessions, customers, subscriptions, invoices, clock, deliveries
  POST /stripe/deliveries/{id}/resend         send a webhook delivery again (signed now); its answer
  GET  /btcpay/api/v1/stores/{store}/invoices/{id}   BTCPay Greenfield: an invoice (Authorization: token <key>)
  POST /btcpay/api/v1/stores/{store}/invoices        BTCPay Greenfield: create an invoice
  POST /btcpay/invoices {"amount","currency","metadata"}  create an invoice (no key: a script's shortcut)
  GET  /btcpay/invoices                       recent BTCPay invoices
  GET  /btcpay/i/{id}                         the invoice's checkoutLink: a checkout page with a Pay button
  POST /btcpay/invoices/{id}/settle           settle it: signed webhooks delivered before the answer
  GET  /btcpay/deliveries                     webhook deliveries with what the endpoint answered
  POST /btcpay/deliveries/{id}/redeliver      send a past webhook again (BTCPay's "Redeliver"); its answer
  GET|PUT|DELETE /faults, POST /faults/rules  the fault rules in force and what they injected
                                              (tools/local/faults/console.py; `make run FAULTS=1`)

With faults on, the fakes' own APIs (/lightning/api/..., /btcpay/api/..., and the Stripe fake) fail, hang or
answer slowly by the same rules as the AWS services behind the fault proxy (tools/local/faults/fakes.py).
"""

from __future__ import annotations

import html
import json
import re
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import boto3
import requests
from botocore.exceptions import ClientError

from tools.local import btcpay as btcpay_fake
from tools.local import http_server, lightning, stripe_fake
from tools.local.btcpay import FakeBtcpay
from tools.local.faults import Rules
from tools.local.faults import console as faults_console
from tools.local.faults.fakes import Dropped, console_fault
from tools.local.faults.proxy import drop
from tools.local.http_server import LocalServer
from tools.local.lightning import FakeWallet
from tools.local.stripe_fake import StripeFake
from tools.local.template import Template
from tools.local.web import Reply, Request, Route, Router, html_reply, json_reply

PAGE = Path(__file__).with_name("console.html")
# Codes people copy out of mail: bank2xls's 6-digit sign-in codes, cinq's gift codes.
CODES = re.compile(r"\b(CINQ-[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}|\d{6})\b")


class Console:
    def __init__(
        self,
        template: Template,
        wallet: FakeWallet,
        aws_endpoint: str,
        stripe: StripeFake | None = None,
        btcpay: FakeBtcpay | None = None,
        faults: Rules | None = None,
    ) -> None:
        self.template = template
        self.aws_endpoint = aws_endpoint
        self.faults = faults
        self.s3 = boto3.client(
            "s3",
            endpoint_url=aws_endpoint,
            region_name="us-east-1",
            aws_access_key_id="local",
            aws_secret_access_key="local",  # noqa: S106 - moto
        )
        own = [
            Route("GET", "/", self.page),
            Route("GET", "/mail", self.mail),
            Route("GET", "/mail/{message_id}", self.mail_message),
            Route("GET", "/cdn/{distribution}/{path+}", self.cdn),
        ]
        fakes = [
            *lightning.routes(wallet),
            *(stripe_fake.routes(stripe) if stripe else []),
            *(btcpay_fake.routes(btcpay) if btcpay else []),
            *faults_console.routes(faults),
        ]
        self.router = Router(own + fakes)

    def dispatch(self, method: str, target: str, headers: dict[str, str], body: bytes) -> Reply:
        """The route's answer, or the injected fault's; raises Dropped when the connection must just close."""
        failed = console_fault(self.faults, method, target.split("?", 1)[0])
        return failed or self.router.dispatch(method, target, headers, body)

    def page(self, request: Request) -> Reply:
        apis = [{"name": api.name, "url": f"http://127.0.0.1:{api.port}"} for api in self.template.http_apis.values()]
        return html_reply(PAGE.read_text().replace("{{apis}}", json.dumps(apis)))

    # ----------------------------------------------------------------- mail
    def mail(self, request: Request) -> Reply:
        return json_reply(200, {"messages": sent_mail(self.aws_endpoint, request.query.get("to"))})

    def mail_message(self, request: Request) -> Reply:
        found = next((m for m in sent_mail(self.aws_endpoint) if m["id"] == request.params["message_id"]), None)
        if found is None:
            return json_reply(404, {"detail": "No such message"})
        head = (
            '<meta charset="utf-8"><style>mark.code{background:#fde68a;padding:0 .2em;font-weight:700}</style>'
            f"<title>{html.escape(found['subject'])}</title>"
        )
        return html_reply(head + highlight_codes(found["html"]))

    # ------------------------------------------------------------------ cdn
    def cdn(self, request: Request) -> Reply:
        """As CloudFront would: the object with its stored type and disposition, plus the policy's headers."""
        distribution, path = request.params["distribution"], request.params["path"]
        if distribution not in self.template.of_type("AWS::CloudFront::Distribution"):
            return json_reply(404, {"detail": "Unknown distribution"})
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


def sent_mail(aws_endpoint: str, to: str | None = None) -> list[dict[str, Any]]:
    """Mail SES (moto) accepted, newest first. moto keeps only the HTML part when both are sent."""
    data = requests.get(f"{aws_endpoint}/moto-api/data.json", timeout=10).json()
    messages = []
    for message in reversed(data.get("ses", {}).get("Message", [])):
        recipients = [address.lower() for address in message.get("destinations", {}).get("ToAddresses", [])]
        if to and to.strip().lower() not in recipients:
            continue
        html_body = message.get("body", "")
        text = re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", html_body))).strip()
        subject = message.get("subject", "")
        codes = list(dict.fromkeys(CODES.findall(f"{subject} {text}")))
        messages.append(
            {
                "id": message.get("id", ""),
                "from": message.get("source", ""),
                "to": ", ".join(recipients),
                "subject": subject,
                "text": text,
                "html": html_body,
                "codes": codes,
            }
        )
    return messages


def highlight_codes(markup: str) -> str:
    """Wraps the codes found in the text (never inside tags) in <mark class="code">."""
    parts = re.split(r"(<[^>]+>)", markup)
    return "".join(part if part.startswith("<") else CODES.sub(r'<mark class="code">\1</mark>', part) for part in parts)


def serve(console: Console, port: int, host: str = "127.0.0.1") -> LocalServer:
    def respond(request: BaseHTTPRequestHandler) -> None:
        length = int(request.headers.get("Content-Length") or 0)
        body = request.rfile.read(length) if length else b""
        headers = {name.lower(): value for name, value in request.headers.items()}
        try:
            status, content_type, data, extra = console.dispatch(request.command, request.path, headers, body)
        except Dropped:
            return drop(request)
        request.send_response(status)
        request.send_header("Content-Type", content_type)
        for name, value in extra.items():
            request.send_header(name, value)
        request.send_header("Content-Length", str(len(data)))
        request.send_header("Access-Control-Allow-Origin", "*")
        request.end_headers()
        request.wfile.write(data)

    return http_server.serve(port, respond, host, name="dev-console")
