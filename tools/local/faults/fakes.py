"""The same rules for the payment fakes: the Lightning wallet and the BTCPay store (dev console routes) and
the Stripe fake (localstripe, aiohttp), which fail, hang or answer slowly like an unhealthy provider.

A request to a fake's API is named `<service>` + `<METHOD> <path>` (the path under the fake's base URL:
`POST /api/v1/payments`, `GET /api/v1/stores/<store>/invoices/<id>`, `POST /v1/checkout/sessions`); the
console's own buttons and lists (pay, settle, overview) are never faulted.
"""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

from aiohttp import web

from tools.local.faults.rules import Decision, Rules
from tools.local.web import Reply

# The API routes of each fake on the dev console: prefix -> service.
CONSOLE_APIS = {"/lightning/api/": "lightning", "/btcpay/api/": "btcpay"}

_BODIES: dict[str, dict[str, Any]] = {
    "lightning": {  # LNbits (FastAPI)
        "throttle": {"detail": "Rate limit exceeded"},
        "500": {"detail": "Internal Server Error"},
        "503": {"detail": "Service Unavailable"},
    },
    "btcpay": {  # Greenfield's error shape
        "throttle": {"code": "rate-limited", "message": "Too many requests"},
        "500": {"code": "server-error", "message": "An unexpected error occurred"},
        "503": {"code": "service-unavailable", "message": "The server is not ready"},
    },
    "stripe": {
        "throttle": {"error": {"type": "invalid_request_error", "code": "rate_limit", "message": "Too many requests"}},
        "500": {"error": {"type": "api_error", "message": "An unknown error occurred"}},
        "503": {"error": {"type": "api_error", "message": "Stripe is temporarily unavailable"}},
    },
}


class Dropped(Exception):
    """Answer nothing: the server closes the connection (a `drop`, or a `hang` once its time is up)."""


def status_of(error: str) -> int:
    return 429 if error == "throttle" else int(error)


def error_body(service: str, error: str) -> bytes:
    return json.dumps(_BODIES[service][error]).encode()


def console_fault(rules: Rules | None, method: str, path: str) -> Reply | None:
    """For a dev console request: None to serve it, a Reply to fail it; raises Dropped (after sleeping)."""
    if rules is None:
        return None
    service = next((name for prefix, name in CONSOLE_APIS.items() if path.startswith(prefix)), None)
    if service is None:
        return None
    operation = f"{method} {path.removeprefix('/' + service)}"
    decision = rules.decide(service, operation)
    time.sleep(decision.hang_seconds if decision.error == "hang" else decision.delay)
    return _reply(service, decision)


def _reply(service: str, decision: Decision) -> Reply | None:
    if decision.error in ("drop", "hang"):
        raise Dropped()
    if decision.error is None:
        return None
    return status_of(decision.error), "application/json", error_body(service, decision.error), {}


class StripeFaults:
    """The Stripe fake's middleware (installed once into localstripe's app); `rules` is the running stack's."""

    rules: Rules | None = None

    @web.middleware
    async def middleware(self, request: web.Request, handler: Any) -> web.StreamResponse:
        rules = self.rules
        if rules is None:
            return await handler(request)
        decision = rules.decide("stripe", f"{request.method} {request.path}")
        await asyncio.sleep(decision.hang_seconds if decision.error == "hang" else decision.delay)
        if decision.error in ("drop", "hang"):
            if request.transport is not None:
                request.transport.abort()
            raise web.HTTPServiceUnavailable()  # never reaches the client: its connection is gone
        if decision.error is not None:
            body = error_body("stripe", decision.error)
            return web.Response(status=status_of(decision.error), body=body, content_type="application/json")
        return await handler(request)


stripe_faults = StripeFaults()
