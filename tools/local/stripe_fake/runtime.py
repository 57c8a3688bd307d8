"""StripeFake: localstripe served on its own asyncio loop, webhooks delivered in order, each delivery kept."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import itertools
import json
import logging
import threading
import time
import warnings
from collections import deque
from collections.abc import Callable, Coroutine
from dataclasses import asdict, dataclass, field
from functools import cache
from typing import Any

import aiohttp
from aiohttp import web

from tools.local.faults.fakes import stripe_faults
from tools.local.faults.rules import Rules
from tools.local.stripe_fake import resources
from tools.local.stripe_fake.resources import (
    CheckoutSession,
    PortalSession,
    Price,
    Subscription,
    active,
    clock,
    complete,
    emit_updated,
    extend_localstripe,
    find,
    store,
)

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    from localstripe import server, webhooks

log = logging.getLogger(__name__)

WEBHOOK_DELAY = 0.5  # as on Stripe, an event reaches the endpoint after the API answer that caused it
WEBHOOK_ATTEMPTS = 5
KEPT_DELIVERIES = 500
_running: StripeFake | None = None
_ids = itertools.count(1)


@cache
def _server_loop() -> asyncio.AbstractEventLoop:
    """One loop for the process: localstripe's aiohttp app stays bound to the first loop it ran on."""
    loop = asyncio.new_event_loop()
    threading.Thread(target=loop.run_forever, name="stripe-fake", daemon=True).start()
    return loop


@dataclass
class WebhookDelivery:
    """One event sent to one endpoint, as the dashboard's "webhook attempts" show it."""

    id: str
    event_id: str
    type: str
    url: str
    status: int | None  # the endpoint's last HTTP status, None when it never answered
    answer: str  # what it answered (first 2,000 characters)
    attempts: int
    at: float
    resend_of: str | None = None
    payload: bytes = field(default=b"", repr=False)
    secret: str = field(default="", repr=False)

    def public(self) -> dict[str, Any]:
        shown = asdict(self)
        del shown["payload"], shown["secret"]
        return shown


class StripeFake:
    """localstripe on 127.0.0.1:`port` (0: any free port, see base_url), served from a background thread.

    The page and button methods are what the dev console serves under {console_url}/stripe/...; they raise
    KeyError for unknown ids (pages answer None).
    """

    def __init__(self, port: int, console_url: str, faults: Rules | None = None) -> None:
        self.port = port
        self.faults = faults
        self.console_url = console_url.rstrip("/")
        self.deliveries: deque[WebhookDelivery] = deque(maxlen=KEPT_DELIVERIES)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._runner: web.AppRunner | None = None
        self._queue: asyncio.Queue[tuple[float, Any]] | None = None
        self._worker: asyncio.Task[None] | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        global _running
        if _running is not None:
            raise RuntimeError("localstripe's state is per process: one StripeFake at a time")
        _running = self
        active.console_url, active.enqueue = self.console_url, self._enqueue
        stripe_faults.rules = self.faults
        extend_localstripe()
        store.clear()
        webhooks._webhooks.clear()
        clock.offset = 0.0
        self._loop = _server_loop()
        try:
            self._call_async(self._serve())
        except BaseException:
            self.stop()
            raise

    def stop(self) -> None:
        global _running
        if self._loop is not None:
            self._call_async(self._shutdown())
            self._loop, self._runner, self._worker = None, None, None
        if _running is self:
            _running, active.console_url, active.enqueue = None, "", None
            stripe_faults.rules = None

    def register_webhook(self, url: str, secret: str) -> None:
        webhooks.register_webhook(url, url, secret, None)

    def ensure_price(self, lookup_key: str, unit_amount: int, currency: str, interval: str, product_name: str) -> str:
        def ensure() -> str:
            for price in Price._api_list_all(None, lookup_keys=[lookup_key], limit=1)._list:
                return str(price.id)
            recurring = {"interval": interval}
            price = Price(currency, unit_amount, recurring, product_data={"name": product_name}, lookup_key=lookup_key)
            return str(price.id)

        return self._call(ensure)

    def complete_checkout(self, session_id: str) -> dict[str, Any]:
        return self._call(lambda: complete(find(CheckoutSession, session_id))._export())

    def cancel_from_portal(self, portal_session_id: str) -> dict[str, Any]:
        def cancel() -> dict[str, Any]:
            portal = find(PortalSession, portal_session_id)
            subs = Subscription._api_list_all(None, customer=portal.customer, limit=100)._list
            updated = [Subscription._api_update(sub.id, cancel_at_period_end=True)._export() for sub in subs]
            return {"portal_session": portal.id, "subscriptions": updated}

        return self._call(cancel)

    def advance_clock(self, days: int) -> dict[str, Any]:
        """Moves time on by `days`; subscriptions whose period has ended renew (paid) or end if cancelled."""

        def advance() -> dict[str, Any]:
            clock.offset += days * 86400
            now = int(clock.time())
            summary: dict[str, Any] = {"now": now, "renewed": [], "canceled": [], "invoices": []}
            subs = [value for key, value in list(store.items()) if key.startswith("subscription:")]
            for sub in subs:
                while sub.status == "active" and sub.current_period_end <= now:
                    if sub.cancel_at_period_end:
                        Subscription._api_delete(sub.id)
                        summary["canceled"].append(sub.id)
                        break
                    before = sub._export()
                    sub._period_start = sub.current_period_end
                    sub._create_invoice()
                    summary["renewed"].append(sub.id)
                    summary["invoices"].append(sub.latest_invoice)
                    emit_updated(sub, before)
            return summary

        return self._call(advance)

    def now(self) -> int:
        return int(clock.time())

    def objects(self, kind: str) -> list[dict[str, Any]]:
        """Every stored object of a kind ("customer", "subscription", "invoice", "checkout.session"...), newest
        first, exported as the API shows them."""

        def listed() -> list[dict[str, Any]]:
            found = [value for key, value in list(store.items()) if key.split(":", 1)[0] == kind]
            return [item._export() for item in sorted(found, key=lambda item: item.created, reverse=True)]

        return self._call(listed)

    def resend(self, delivery_id: str) -> WebhookDelivery:
        """Sends a past delivery's event again, signed now (the dashboard's "Resend"); KeyError if unknown."""
        past = next((delivery for delivery in self.deliveries if delivery.id == delivery_id), None)
        if past is None:
            raise KeyError(delivery_id)

        async def again() -> WebhookDelivery:
            async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30)) as http:
                return await self._post(http, past.url, past.secret, past.payload, past.event_id, past.type, past.id)

        return self._call_async(again())

    def call[T](self, operation: Callable[[], T]) -> T:
        """Runs `operation` on the server's loop (pages and console routes read localstripe's store there)."""
        return self._call(operation)

    def _call[T](self, operation: Callable[[], T]) -> T:
        """Runs on the server's loop: localstripe schedules its work there and its state is not thread-safe."""
        if self._loop is None:
            raise RuntimeError("StripeFake is not started")

        async def run() -> T:
            return operation()

        return self._call_async(run())

    def _call_async[T](self, work: Coroutine[Any, Any, T]) -> T:
        assert self._loop is not None
        return asyncio.run_coroutine_threadsafe(work, self._loop).result(timeout=60)

    def _enqueue(self, event: Any) -> None:
        if self._queue is not None:
            self._queue.put_nowait((asyncio.get_running_loop().time() + WEBHOOK_DELAY, event))

    async def _serve(self) -> None:
        self._queue = asyncio.Queue()
        self._worker = asyncio.create_task(self._deliver())
        self._runner = web.AppRunner(server.app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", self.port).start()
        self.port = self._runner.addresses[0][1]

    async def _shutdown(self) -> None:
        if self._worker:
            self._worker.cancel()
        if self._runner:
            await self._runner.cleanup()

    async def _deliver(self) -> None:
        """One event after the other, so endpoints see them in the order they happened."""
        assert self._queue is not None
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30)) as http:
            while True:
                due, event = await self._queue.get()
                await asyncio.sleep(due - asyncio.get_running_loop().time())
                try:
                    payload = json.dumps(event._export(), indent=2, sort_keys=True).encode()
                    for hook in list(webhooks._webhooks.values()):
                        if hook.events is None or event.type in hook.events:
                            await self._post(http, hook.url, hook.secret, payload, event.id, event.type)
                except Exception:  # one bad event must not end delivery of the next ones
                    log.exception("webhook %s not delivered", event.type)

    async def _post(
        self,
        http: aiohttp.ClientSession,
        url: str,
        secret: str,
        payload: bytes,
        event_id: str,
        kind: str,
        resend_of: str | None = None,
    ) -> WebhookDelivery:
        delivery = WebhookDelivery(f"wh_{next(_ids)}", event_id, kind, url, None, "", 0, time.time(), resend_of)
        delivery.payload, delivery.secret = payload, secret
        self.deliveries.appendleft(delivery)
        for attempt in range(WEBHOOK_ATTEMPTS):
            delivery.attempts = attempt + 1
            stamp = int(time.time())  # Stripe signs with the delivery time, which receivers check (5 min tolerance)
            signature = hmac.new(secret.encode(), f"{stamp}.".encode() + payload, hashlib.sha256).hexdigest()
            headers = {
                "Content-Type": "application/json; charset=utf-8",
                "Stripe-Signature": f"t={stamp},v1={signature}",
            }
            try:
                async with http.post(url, data=payload, headers=headers) as answer:
                    delivery.status, delivery.answer = answer.status, (await answer.text())[:2000]
                    if answer.status < 500:
                        if answer.status >= 300:
                            log.warning("webhook %s to %s refused: HTTP %s", kind, url, answer.status)
                        return delivery
            except (aiohttp.ClientError, TimeoutError) as error:
                delivery.answer = f"no answer: {error}"
                log.info("webhook %s to %s failed (%s), attempt %d", kind, url, error, attempt + 1)
            await asyncio.sleep(0.2 * 2**attempt)
        log.warning("webhook %s to %s given up after %d attempts", kind, url, WEBHOOK_ATTEMPTS)
        return delivery


__all__ = ["StripeFake", "WebhookDelivery", "resources"]
