"""A Lightning wallet client speaking LNbits' REST API (v1).

Only the base URL and the wallet's invoice key change between production (a
real LNbits) and local runs (the dev console's LNbits-compatible wallet); the
contract test runs this client against a real LNbits server.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from shared.json_http import DEFAULT_TIMEOUT, JsonHttp, Unreachable


class LightningError(Exception):
    """The wallet could not be reached or refused the request."""


class InvoiceNotFound(LightningError):
    """The wallet knows no invoice with that payment hash."""


@dataclass(frozen=True)
class LightningInvoice:
    payment_hash: str
    payment_request: str


class LightningClient:
    def __init__(self, base_url: str, api_key: str, timeout: float = DEFAULT_TIMEOUT) -> None:
        self._http = JsonHttp(base_url, {"X-Api-Key": api_key}, timeout)

    def create_invoice(self, amount_sat: int, memo: str, expiry_seconds: int) -> LightningInvoice:
        body = {"out": False, "amount": amount_sat, "memo": memo, "expiry": expiry_seconds}
        status, data = self._request("POST", "/api/v1/payments", body)
        if status not in (200, 201):
            raise LightningError(f"invoice creation refused (HTTP {status})")
        # LNbits 1.x answers `bolt11`; 0.x only had `payment_request`.
        request = data.get("bolt11") or data.get("payment_request")
        if not request or not data.get("payment_hash"):
            raise LightningError("invoice creation answered without an invoice")
        return LightningInvoice(payment_hash=data["payment_hash"], payment_request=request)

    def is_paid(self, payment_hash: str) -> bool:
        status, data = self._request("GET", f"/api/v1/payments/{payment_hash}")
        if status == 404:
            raise InvoiceNotFound(payment_hash)
        if status != 200:
            raise LightningError(f"payment status refused (HTTP {status})")
        return data.get("paid") is True

    def _request(self, method: str, path: str, body: dict[str, Any] | None = None) -> tuple[int, dict[str, Any]]:
        try:
            return self._http.request(method, path, body)
        except Unreachable as exc:
            raise LightningError(f"wallet unreachable: {exc}") from None
