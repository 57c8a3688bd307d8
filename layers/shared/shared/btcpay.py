"""A BTCPay Server client speaking the Greenfield API (v1), and the check of its webhook signatures.

Only the base URL and the API key change between production (a real BTCPay Server) and local runs (the dev
console's BTCPay-compatible store, tools/local/btcpay.py). Shapes as in btcpayserver/btcpayserver:

- auth: `Authorization: token <apiKey>` (Security/GreenField/APIKeyExtensions.cs accepts `token` or `bearer`);
  a missing or unknown key answers 401 `{"code": "unauthenticated", ...}`, a key without the store's
  permission (or an unknown store) 403 `{"code": "missing-permission", ...}`
  (Security/GreenField/GreenfieldAuthenticationHandler.cs, Security/BuiltInPermissionHandler.cs).
- `GET /api/v1/stores/{storeId}/invoices/{invoiceId}` answers the invoice (Client/Models/InvoiceData.cs); decimals
  are JSON strings (NumericStringJsonConverter: `"amount": "15.00"`), times unix seconds; an unknown invoice is
  404 `{"code": "invoice-not-found", "message": "The invoice was not found"}` (GreenfieldInvoiceController.cs).
- webhooks carry `BTCPay-Sig: sha256=<lowercase hex HMAC-SHA256(UTF-8 secret, raw body)>`
  (Plugins/Webhooks/WebhookSender.cs).
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import quote

from shared.json_http import DEFAULT_TIMEOUT, JsonHttp, Unreachable

SETTLED = "Settled"
_SIGNATURE = re.compile(r"sha256=([0-9a-fA-F]{64})")


class BtcpayError(Exception):
    """BTCPay could not be reached, refused the API key, or answered something unexpected."""


class BtcpayInvoiceNotFound(BtcpayError):
    """The store has no invoice with that id (Greenfield's 404 `invoice-not-found`)."""


@dataclass(frozen=True)
class BtcpayInvoice:
    id: str
    store_id: str
    amount: Decimal
    currency: str
    status: str  # New, Processing, Expired, Invalid or Settled
    metadata: dict[str, Any] = field(hash=False)
    created_time: int

    @property
    def settled(self) -> bool:
        return self.status == SETTLED


class BtcpayClient:
    def __init__(self, base_url: str, api_key: str, timeout: float = DEFAULT_TIMEOUT) -> None:
        self._http = JsonHttp(base_url, {"Authorization": f"token {api_key}"}, timeout)

    def get_invoice(self, store_id: str, invoice_id: str) -> BtcpayInvoice:
        # The ids may come from a webhook body: quoted, they stay one path segment each.
        path = f"/api/v1/stores/{quote(store_id, safe='')}/invoices/{quote(invoice_id, safe='')}"
        status, data = self._request("GET", path)
        if status == 404 and data.get("code") == "invoice-not-found":
            raise BtcpayInvoiceNotFound(invoice_id)
        if status in (401, 403):
            raise BtcpayError(f"BTCPay refused the API key (HTTP {status}, {data.get('code') or 'no code'})")
        if status != 200:
            raise BtcpayError(f"invoice lookup refused (HTTP {status})")
        return _invoice(data)

    def _request(self, method: str, path: str) -> tuple[int, dict[str, Any]]:
        try:
            return self._http.request(method, path)
        except Unreachable as exc:
            raise BtcpayError(f"BTCPay unreachable: {exc}") from None


def _invoice(data: dict[str, Any]) -> BtcpayInvoice:
    amount, created, metadata = data.get("amount"), data.get("createdTime"), data.get("metadata")
    ids = (data.get("id"), data.get("storeId"), data.get("currency"), data.get("status"))
    if not all(isinstance(value, str) and value for value in ids):
        raise BtcpayError("invoice answered without its id, store, currency or status")
    if not isinstance(created, int) or isinstance(created, bool):
        raise BtcpayError("invoice answered without a creation time")
    invoice_id, store_id, currency, status = ids
    return BtcpayInvoice(
        id=str(invoice_id),
        store_id=str(store_id),
        amount=_decimal(amount),
        currency=str(currency),
        status=str(status),
        metadata=dict(metadata) if isinstance(metadata, dict) else {},
        created_time=created,
    )


def _decimal(value: Any) -> Decimal:
    """Greenfield writes amounts as decimal strings; a JSON number here would already have been a float."""
    if not isinstance(value, str):
        raise BtcpayError("invoice answered without a decimal amount string")
    try:
        amount = Decimal(value.strip())
    except InvalidOperation:
        raise BtcpayError("invoice answered an unreadable amount") from None
    if not amount.is_finite():
        raise BtcpayError("invoice answered an unreadable amount")
    return amount


def verify_signature(raw_body: bytes, header: str | None, secret: str) -> bool:
    """True when `header` is `sha256=<hex>` and the hex is HMAC-SHA256(secret, raw_body); constant-time.

    The raw bytes as received must be checked: BTCPay signs its own serialization (indented JSON, non-ASCII
    unescaped), which no re-encoding of the parsed body reproduces. An empty secret never verifies.
    """
    if not header or not secret:
        return False
    match = _SIGNATURE.fullmatch(header.strip())
    if match is None:
        return False
    expected = hmac.new(secret.encode("utf-8"), raw_body, hashlib.sha256).digest()
    return hmac.compare_digest(expected, bytes.fromhex(match.group(1)))
