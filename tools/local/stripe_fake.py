"""A stateful Stripe API subset for `make run` and the tests: localstripe, extended where our code needs more.

localstripe keeps customers, plans, payment methods, subscriptions, invoices and events (older API shape:
`current_period_end` on the subscription, `plan` on items). This module adds what it lacks: prices (each also a
plan with the same id, as on Stripe), Checkout and Billing Portal sessions with their pages, `invoice.paid` and
`customer.subscription.updated` events, a clock that moves forward to renew or end subscriptions, and webhook
delivery in order with retries. localstripe's state is module-global, so one StripeFake runs per process; it lives
in memory only (localstripe's /tmp pickle is switched off).
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import html
import json
import logging
import threading
import time
import warnings
from collections.abc import Callable, Coroutine
from datetime import UTC, datetime
from functools import cache
from typing import Any

import aiohttp
from aiohttp import web
from dateutil.relativedelta import relativedelta

with warnings.catch_warnings():  # localstripe's routes are plain functions, which aiohttp 3.14 deprecates
    warnings.simplefilter("ignore", DeprecationWarning)
    from localstripe import resources, server, webhooks
    from localstripe.errors import UserError
    from localstripe.resources import (
        Balance,
        Customer,
        Event,
        Invoice,
        InvoiceLineItem,
        PaymentMethod,
        Plan,
        Product,
        StripeObject,
        Subscription,
        SubscriptionItem,
        store,
        try_convert_to_bool,
        try_convert_to_int,
    )

log = logging.getLogger(__name__)

WEBHOOK_DELAY = 0.5  # as on Stripe, an event reaches the endpoint after the API answer that caused it
WEBHOOK_ATTEMPTS = 5
_active: StripeFake | None = None
_extended = False


class _Clock:
    """Stands in for the `time` module inside localstripe, so every timestamp there follows advance_clock."""

    offset = 0.0

    def time(self) -> float:
        return time.time() + self.offset


_clock = _Clock()


@cache
def _server_loop() -> asyncio.AbstractEventLoop:
    """One loop for the process: localstripe's aiohttp app stays bound to the first loop it ran on."""
    loop = asyncio.new_event_loop()
    threading.Thread(target=loop.run_forever, name="stripe-fake", daemon=True).start()
    return loop


def _console_url() -> str:
    return _active.console_url if _active else ""


class Price(StripeObject):
    object = "price"
    _id_prefix = "price_"

    def __init__(
        self,
        currency: Any = None,
        unit_amount: Any = None,
        recurring: Any = None,
        product: Any = None,
        product_data: Any = None,
        lookup_key: Any = None,
        nickname: Any = None,
        metadata: Any = None,
        active: Any = True,
        **kwargs: Any,
    ) -> None:
        if kwargs:
            raise UserError(400, "Unexpected " + ", ".join(kwargs))
        unit_amount = try_convert_to_int(unit_amount)
        interval = (recurring or {}).get("interval")
        if not (isinstance(currency, str) and isinstance(unit_amount, int) and (product or product_data)):
            raise UserError(400, "Bad request")
        if recurring is not None and interval not in ("day", "week", "month", "year"):
            raise UserError(400, "Bad request")
        product = Product._api_retrieve(product).id if isinstance(product, str) else Product(**product_data).id
        super().__init__()
        self.active = try_convert_to_bool(active)
        self.billing_scheme = "per_unit"
        self.currency = currency.lower()
        self.lookup_key = lookup_key
        self.metadata = metadata or {}
        self.nickname = nickname
        self.product = product
        self.recurring = None
        self.tax_behavior = "unspecified"
        self.type = "one_time"
        self.unit_amount = unit_amount
        self.unit_amount_decimal = str(unit_amount)
        if recurring is not None:
            count = try_convert_to_int(recurring.get("interval_count", 1))
            self.type = "recurring"
            self.recurring = {"interval": interval, "interval_count": count, "usage_type": "licensed"}
            # Stripe serves every recurring price as a plan with the same id; localstripe subscribes to plans.
            Plan(
                id=self.id,
                amount=unit_amount,
                currency=self.currency,
                interval=interval,
                interval_count=count,
                product=product,
                nickname=nickname,
            )

    @classmethod
    def _api_list_all(
        cls,
        url: str | None,
        lookup_keys: Any = None,
        active: Any = None,
        product: Any = None,
        limit: Any = None,
        starting_after: Any = None,
        **kwargs: Any,
    ) -> Any:
        if kwargs:
            raise UserError(400, "Unexpected " + ", ".join(kwargs))
        keys = [lookup_keys] if isinstance(lookup_keys, str) else lookup_keys
        active = try_convert_to_bool(active)
        listed = super()._api_list_all(url, limit=limit, starting_after=starting_after)
        listed._list = [
            price
            for price in listed._list
            if (keys is None or price.lookup_key in keys)
            and (active is None or price.active == active)
            and (product is None or price.product == product)
        ]
        return listed


class CheckoutSession(StripeObject):
    object = "checkout.session"
    _id_prefix = "cs_test_"

    def __init__(
        self,
        mode: Any = None,
        line_items: Any = None,
        success_url: Any = None,
        cancel_url: Any = None,
        customer: Any = None,
        customer_email: Any = None,
        client_reference_id: Any = None,
        metadata: Any = None,
        subscription_data: Any = None,
        **kwargs: Any,
    ) -> None:
        if kwargs:
            raise UserError(400, "Unexpected " + ", ".join(kwargs))
        if mode != "subscription":
            raise UserError(400, "Only mode=subscription is implemented")
        if not (isinstance(success_url, str) and isinstance(line_items, list) and len(line_items) == 1):
            raise UserError(400, "Bad request")
        price = Price._api_retrieve(str(line_items[0].get("price")))
        quantity = try_convert_to_int(line_items[0].get("quantity", 1))
        if price.type != "recurring" or not isinstance(quantity, int) or quantity < 1:
            raise UserError(400, "Bad request")
        if customer is not None:
            Customer._api_retrieve(customer)
        super().__init__()
        self.amount_subtotal = self.amount_total = price.unit_amount * quantity
        self.cancel_url = cancel_url
        self.client_reference_id = client_reference_id
        self.currency = price.currency
        self.customer = customer
        self.customer_email = customer_email
        self.expires_at = self.created + 24 * 3600
        self.invoice = None
        self.metadata = metadata or {}
        self.mode = mode
        self.payment_method_types = ["card"]
        self.payment_status = "unpaid"
        self.status = "open"
        self.subscription = None
        self.success_url = success_url
        self.url = f"{_console_url()}/stripe/checkout/{self.id}"
        self._price = price.id
        self._quantity = quantity
        self._subscription_metadata = dict((subscription_data or {}).get("metadata") or {})


class PortalSession(StripeObject):
    object = "billing_portal.session"
    _id_prefix = "bps_"

    def __init__(self, customer: Any = None, return_url: Any = None, locale: Any = None, **kwargs: Any) -> None:
        if kwargs:
            raise UserError(400, "Unexpected " + ", ".join(kwargs))
        if not isinstance(customer, str):
            raise UserError(400, "Bad request")
        Customer._api_retrieve(customer)
        super().__init__()
        self.customer = customer
        self.locale = locale
        self.return_url = return_url
        self.url = f"{_console_url()}/stripe/portal/{self.id}"


def _current_period(item: Any) -> dict[str, int]:
    """localstripe's period never moves past the first one; renewals set the subscription's `_period_start`."""
    sub = Subscription._api_retrieve(item._subscription) if item._subscription else None
    start = getattr(sub, "_period_start", sub.start_date) if sub else int(_clock.time())
    unit = {"day": "days", "week": "weeks", "month": "months", "year": "years"}[item.plan.interval]
    end = datetime.fromtimestamp(start) + relativedelta(**{unit: item.plan.interval_count})
    return {"start": start, "end": int(end.timestamp())}


def _price_of(item: Any) -> Any:
    return store.get("price:" + item.plan.id) if item.plan else None


def _balance_export(balance: Any, expand: Any = None) -> dict[str, Any]:
    return {"object": "balance", "livemode": False, "available": [balance.available], "pending": [balance.pending]}


def _schedule(event: Any) -> None:
    if event.type == "invoice.payment_succeeded":  # Stripe sends both; localstripe only this one
        invoice = Invoice._api_retrieve(event.data["object"]["id"])
        _enqueue(Event("invoice.paid", invoice))
    _enqueue(event)


def _enqueue(event: Any) -> None:
    if _active and _active._queue:
        _active._queue.put_nowait((asyncio.get_running_loop().time() + WEBHOOK_DELAY, event))


def _emit_updated(sub: Any, before: dict[str, Any]) -> None:
    after = sub._export()
    changed = {key: value for key, value in before.items() if after.get(key) != value}
    if changed:
        event = Event("customer.subscription.updated", sub)
        event.data["previous_attributes"] = changed
        resources.schedule_webhook(event)


def _updating(update: Callable[..., Any]) -> Callable[..., Any]:
    """localstripe updates subscriptions silently; Stripe dates a cancellation and sends an event."""

    def _api_update(id: str, **data: Any) -> Any:
        before = Subscription._api_retrieve(id)._export()
        sub = update(id, **data)
        if "cancel_at_period_end" in data:
            sub.cancel_at = sub.current_period_end if sub.cancel_at_period_end else None
            sub.canceled_at = int(_clock.time()) if sub.cancel_at_period_end else None
        _emit_updated(sub, before)
        return sub

    return _api_update


def _extend_localstripe() -> None:
    global _extended
    if _extended:
        return
    _extended = True
    store.dump_to_disk = lambda: None
    resources.time = _clock
    resources.schedule_webhook = _schedule
    SubscriptionItem._current_period = _current_period
    SubscriptionItem.price = InvoiceLineItem.price = property(_price_of)
    Invoice.hosted_invoice_url = property(lambda invoice: f"{_console_url()}/stripe/invoices/{invoice.id}")
    Balance._export = _balance_export
    Subscription._api_update = staticmethod(_updating(Subscription._api_update))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        router = server.app.router
        router.add_post("/v1/prices", server.api_create(Price, None))
        router.add_get("/v1/prices/{id}", server.api_retrieve(Price, None))
        router.add_get("/v1/prices", server.api_list_all(Price, "/v1/prices"))
        router.add_post("/v1/checkout/sessions", server.api_create(CheckoutSession, None))
        router.add_get("/v1/checkout/sessions/{id}", server.api_retrieve(CheckoutSession, None))
        router.add_post("/v1/billing_portal/sessions", server.api_create(PortalSession, None))


class StripeFake:
    """localstripe on 127.0.0.1:`port` (0: any free port, see base_url), served from a background thread.

    The page and button methods are what the dev console serves under {console_url}/stripe/...; they raise
    KeyError for unknown ids (pages answer None).
    """

    def __init__(self, port: int, console_url: str) -> None:
        self.port = port
        self.console_url = console_url.rstrip("/")
        self._loop: asyncio.AbstractEventLoop | None = None
        self._runner: web.AppRunner | None = None
        self._queue: asyncio.Queue[tuple[float, Any]] | None = None
        self._worker: asyncio.Task[None] | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        global _active
        if _active is not None:
            raise RuntimeError("localstripe's state is per process: one StripeFake at a time")
        _active = self
        _extend_localstripe()
        store.clear()
        webhooks._webhooks.clear()
        _clock.offset = 0.0
        self._loop = _server_loop()
        try:
            self._call_async(self._serve())
        except BaseException:
            self.stop()
            raise

    def stop(self) -> None:
        global _active
        if self._loop is not None:
            self._call_async(self._shutdown())
            self._loop, self._runner, self._worker, _active = None, None, None, None

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

    def checkout_page(self, session_id: str) -> str | None:
        return self._call(lambda: _checkout_html(session_id, self.console_url))

    def complete_checkout(self, session_id: str) -> dict[str, Any]:
        return self._call(lambda: _complete(_find(CheckoutSession, session_id))._export())

    def portal_page(self, portal_session_id: str) -> str | None:
        return self._call(lambda: _portal_html(portal_session_id, self.console_url))

    def cancel_from_portal(self, portal_session_id: str) -> dict[str, Any]:
        def cancel() -> dict[str, Any]:
            portal = _find(PortalSession, portal_session_id)
            subs = Subscription._api_list_all(None, customer=portal.customer, limit=100)._list
            updated = [Subscription._api_update(sub.id, cancel_at_period_end=True)._export() for sub in subs]
            return {"portal_session": portal.id, "subscriptions": updated}

        return self._call(cancel)

    def invoice_page(self, invoice_id: str) -> str | None:
        return self._call(lambda: _invoice_html(invoice_id))

    def advance_clock(self, days: int) -> dict[str, Any]:
        """Moves time on by `days`; subscriptions whose period has ended renew (paid) or end if cancelled."""

        def advance() -> dict[str, Any]:
            _clock.offset += days * 86400
            now = int(_clock.time())
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
                    _emit_updated(sub, before)
            return summary

        return self._call(advance)

    def _call[T](self, operation: Callable[[], T]) -> T:
        """Runs on the server's loop: localstripe schedules its work there and its state is not thread-safe."""
        if self._loop is None:
            raise RuntimeError("StripeFake is not started")

        async def run() -> T:
            return operation()

        return self._call_async(run())

    def _call_async[T](self, work: Coroutine[Any, Any, T]) -> T:
        assert self._loop is not None
        return asyncio.run_coroutine_threadsafe(work, self._loop).result(timeout=30)

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
                            await _post(http, hook.url, hook.secret, payload, event.type)
                except Exception:  # one bad event must not end delivery of the next ones
                    log.exception("webhook %s not delivered", event.type)


async def _post(http: aiohttp.ClientSession, url: str, secret: str, payload: bytes, kind: str) -> None:
    for attempt in range(WEBHOOK_ATTEMPTS):
        stamp = int(time.time())  # Stripe signs with the delivery time, which receivers check (5 min tolerance)
        signature = hmac.new(secret.encode(), f"{stamp}.".encode() + payload, hashlib.sha256).hexdigest()
        headers = {"Content-Type": "application/json; charset=utf-8", "Stripe-Signature": f"t={stamp},v1={signature}"}
        try:
            async with http.post(url, data=payload, headers=headers) as answer:
                if answer.status < 500:
                    if answer.status >= 300:
                        log.warning("webhook %s to %s refused: HTTP %s", kind, url, answer.status)
                    return
        except (aiohttp.ClientError, TimeoutError) as error:
            log.info("webhook %s to %s failed (%s), attempt %d", kind, url, error, attempt + 1)
        await asyncio.sleep(0.2 * 2**attempt)
    log.warning("webhook %s to %s given up after %d attempts", kind, url, WEBHOOK_ATTEMPTS)


def _find(cls: Any, object_id: str) -> Any:
    found = store.get(f"{cls.object}:{object_id}")
    if found is None:
        raise KeyError(object_id)
    return found


def _complete(session: Any) -> Any:
    """What paying on Stripe's page does: a card for the customer, the subscription, its paid first invoice."""
    if session.status == "complete":
        return session
    customer = Customer._api_retrieve(session.customer) if session.customer else Customer(email=session.customer_email)
    if customer._get_default_payment_method_or_source() is None:
        card = PaymentMethod._api_retrieve("pm_card_visa")
        PaymentMethod._api_attach(card.id, customer=customer.id)
        Customer._api_update(customer.id, invoice_settings={"default_payment_method": card.id})
    items = [{"plan": session._price, "quantity": session._quantity}]
    sub = Subscription(customer=customer.id, items=items, metadata=dict(session._subscription_metadata))
    if Invoice._api_retrieve(sub.latest_invoice).status != "paid":
        raise RuntimeError(f"the first invoice of {sub.id} is not paid")
    session.customer, session.subscription, session.invoice = customer.id, sub.id, sub.latest_invoice
    session.status, session.payment_status = "complete", "paid"
    resources.schedule_webhook(Event("checkout.session.completed", session))
    return session


PER = {"day": "jour", "week": "semaine", "month": "mois", "year": "an"}


def _money(amount: int, currency: str) -> str:
    symbol = {"eur": "€", "usd": "$"}.get(currency, currency.upper())
    return f"{amount / 100:.2f}".replace(".", ",") + f" {symbol}"


def _date(timestamp: int) -> str:
    return datetime.fromtimestamp(timestamp, UTC).strftime("%d/%m/%Y")


def _html(title: str, body: str) -> str:
    return (
        f'<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
        "<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem}"
        "button{font-size:1rem;padding:.5rem 1.5rem;cursor:pointer}</style></head>"
        f"<body><p><small>Stripe (simulé, mode test)</small></p>{body}</body></html>"
    )


def _button(label: str, action: str, then: str) -> str:
    """A form that still works without JavaScript; with it, the browser goes on to `then` once the POST succeeds."""
    script = (
        "event.preventDefault();fetch(this.action,{method:'POST'}).then(r=>{if(r.ok)location.href=this.dataset.next;"
        "else alert('Échec : HTTP '+r.status)})"
    )
    return (
        f'<form method="post" action="{html.escape(action)}" data-next="{html.escape(then)}" onsubmit="{script}">'
        f"<button>{html.escape(label)}</button></form>"
    )


def _checkout_html(session_id: str, console_url: str) -> str | None:
    session = store.get(f"checkout.session:{session_id}")
    if session is None:
        return None
    price = store[f"price:{session._price}"]
    product = Product._api_retrieve(price.product).name
    amount = _money(session.amount_total, session.currency)
    success = session.success_url.replace("{CHECKOUT_SESSION_ID}", session.id)
    if session.status == "complete":
        action = f'<p>Paiement déjà effectué.</p><p><a href="{html.escape(success)}">Continuer</a></p>'
    else:
        pay = _button(f"Payer {amount}", f"{console_url}/stripe/checkout/sessions/{session.id}/complete", success)
        back = f'<p><a href="{html.escape(session.cancel_url)}">Retour</a></p>' if session.cancel_url else ""
        action = f"<p>Carte de test 4242 4242 4242 4242</p>{pay}{back}"
    per = PER[price.recurring["interval"]]
    return _html("Paiement", f"<h1>{html.escape(product)}</h1><p><strong>{amount}</strong> par {per}</p>{action}")


def _portal_html(portal_session_id: str, console_url: str) -> str | None:
    portal = store.get(f"billing_portal.session:{portal_session_id}")
    if portal is None:
        return None
    rows = []
    for sub in Subscription._api_list_all(None, customer=portal.customer, limit=100)._list:
        plan = sub.plan
        line = f"{html.escape(plan.name)} : {_money(plan.amount, plan.currency)} par {PER[plan.interval]}"
        if sub.cancel_at_period_end:
            rows.append(f"<li>{line}<br>Résilié, prend fin le {_date(sub.current_period_end)}</li>")
        else:
            here = f"{console_url}/stripe/portal/{portal.id}"
            cancel = _button("Résilier", f"{here}/cancel", here)
            rows.append(f"<li>{line}<br>Renouvellement le {_date(sub.current_period_end)}{cancel}</li>")
    listing = f"<ul>{''.join(rows)}</ul>" if rows else "<p>Aucun abonnement en cours.</p>"
    back = f'<p><a href="{html.escape(portal.return_url)}">Retour au site</a></p>' if portal.return_url else ""
    return _html("Votre abonnement", f"<h1>Votre abonnement</h1>{listing}{back}")


def _invoice_html(invoice_id: str) -> str | None:
    invoice = store.get(f"invoice:{invoice_id}")
    if invoice is None:
        return None
    status = {"paid": "Payée", "open": "À payer", "void": "Annulée", "draft": "Brouillon"}[invoice.status]
    lines = "".join(
        f"<li>{html.escape(line.description or '')} : {_money(line.amount, line.currency)}</li>"
        for line in invoice.lines._list
    )
    body = (
        f"<h1>Facture {html.escape(invoice.id)}</h1><p>{_date(invoice.created)} · {status}</p>"
        f"<ul>{lines}</ul><p><strong>Total : {_money(invoice.total, invoice.currency)}</strong></p>"
    )
    return _html(f"Facture {invoice.id}", body)
