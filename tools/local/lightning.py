"""A Lightning wallet speaking LNbits' REST API, issuing real signed BOLT11 invoices (regtest).

It answers like LNbits 1.6 where our client looks (tests/contract runs the same
client against the real server): create with the invoice key or 404 "Wallet not
found.", status readable with any key (LNbits does not check it there), unknown
hashes 404. Paying is the dev console's button, or POST /lightning/invoices/{hash}/pay.
"""

from __future__ import annotations

import hashlib
import secrets
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from bolt11 import Bolt11, MilliSatoshi, Tag, TagChar, Tags, encode
from coincurve import PrivateKey

from tools.local.web import Reply, Request, Route, answer, json_reply

Answer = tuple[int, dict[str, Any]]


@dataclass
class FakeInvoice:
    payment_hash: str
    bolt11: str
    preimage: str
    amount_sat: int
    memo: str
    created: float
    expiry: int
    paid: bool = False

    def as_lnbits(self) -> dict[str, Any]:
        created = datetime.fromtimestamp(self.created, UTC)
        return {
            "checking_id": self.payment_hash,
            "payment_hash": self.payment_hash,
            "amount": self.amount_sat * 1000,
            "fee": 0,
            "bolt11": self.bolt11,
            "payment_request": self.bolt11,
            "status": "success" if self.paid else "pending",
            "memo": self.memo,
            "expiry": datetime.fromtimestamp(self.created + self.expiry, UTC).isoformat(),
            "preimage": self.preimage,
            "time": created.isoformat(),
            "created_at": created.isoformat(),
        }


class FakeWallet:
    def __init__(self, invoice_key: str) -> None:
        self.invoice_key = invoice_key
        self.node_key = PrivateKey()
        self.invoices: dict[str, FakeInvoice] = {}
        self._lock = threading.Lock()

    def create(self, api_key: str | None, body: dict[str, Any]) -> Answer:
        if not api_key or not secrets.compare_digest(api_key, self.invoice_key):
            return 404, {"detail": "Wallet not found."}
        amount = body.get("amount")
        if body.get("out") or not isinstance(amount, int) or amount <= 0:
            return 400, {"detail": "Invalid invoice request."}
        invoice = self._issue(amount, str(body.get("memo", "")), int(body.get("expiry") or 3600))
        return 201, invoice.as_lnbits()

    def status(self, api_key: str | None, payment_hash: str) -> Answer:
        invoice = self.invoices.get(payment_hash)
        if invoice is None:
            return 404, {"detail": "Payment does not exist."}
        answer: dict[str, Any] = {
            "paid": invoice.paid,
            "preimage": invoice.preimage if invoice.paid else None,
        }
        if api_key and secrets.compare_digest(api_key, self.invoice_key):
            answer |= {"status": "success" if invoice.paid else "pending", "details": invoice.as_lnbits()}
        return 200, answer

    def pay(self, payment_hash: str) -> Answer:
        with self._lock:
            invoice = self.invoices.get(payment_hash)
            if invoice is None:
                return 404, {"detail": "Payment does not exist."}
            if time.time() > invoice.created + invoice.expiry:
                return 400, {"detail": "Invoice expired."}
            invoice.paid = True
        return 200, {"payment_hash": payment_hash, "paid": True}

    def recent(self, limit: int = 50) -> list[FakeInvoice]:
        return sorted(self.invoices.values(), key=lambda inv: inv.created, reverse=True)[:limit]

    def _issue(self, amount_sat: int, memo: str, expiry: int) -> FakeInvoice:
        preimage = secrets.token_bytes(32)
        payment_hash = hashlib.sha256(preimage).hexdigest()
        tags = Tags(
            [
                Tag(TagChar.payment_hash, payment_hash),
                Tag(TagChar.payment_secret, secrets.token_hex(32)),
                Tag(TagChar.description, memo),
                Tag(TagChar.expire_time, expiry),
            ]
        )
        now = time.time()
        invoice = Bolt11(currency="bcrt", date=int(now), amount_msat=MilliSatoshi(amount_sat * 1000), tags=tags)
        request = encode(invoice, self.node_key.secret.hex())
        fake = FakeInvoice(payment_hash, request, preimage.hex(), amount_sat, memo, now, expiry)
        with self._lock:
            self.invoices[payment_hash] = fake
        return fake


def routes(wallet: FakeWallet) -> list[Route]:
    """LNbits' API under /lightning (what our client calls), and the console's list and Pay button."""

    def create(request: Request) -> Reply:
        payload = request.json()
        if not isinstance(payload, dict):
            return json_reply(400, {"detail": "Invalid JSON"})
        return answer(wallet.create(request.headers.get("x-api-key"), payload))

    def listed(_: Request) -> Reply:
        shown = [
            {"payment_hash": i.payment_hash, "amount_sat": i.amount_sat, "memo": i.memo, "paid": i.paid}
            | {"bolt11": i.bolt11, "created": i.created}
            for i in wallet.recent()
        ]
        return json_reply(200, shown)

    return [
        Route("POST", "/lightning/api/v1/payments", create),
        Route(
            "GET",
            "/lightning/api/v1/payments/{payment_hash}",
            lambda r: answer(wallet.status(r.headers.get("x-api-key"), r.params["payment_hash"])),
        ),
        Route("GET", "/lightning/invoices", listed),
        Route("POST", "/lightning/invoices/{payment_hash}/pay", lambda r: answer(wallet.pay(r.params["payment_hash"]))),
    ]
