"""localstripe's resources, extended: prices, Checkout and Billing Portal sessions, the events Stripe sends and
localstripe does not, a clock that moves forward. Everything here runs on the StripeFake's loop (runtime.py):
localstripe's state is module-global and not thread-safe."""

from __future__ import annotations

import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from dateutil.relativedelta import relativedelta

from tools.local.faults.fakes import stripe_faults

with warnings.catch_warnings():  # localstripe's routes are plain functions, which aiohttp 3.14 deprecates
    warnings.simplefilter("ignore", DeprecationWarning)
    from localstripe import resources, server
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

__all__ = ["Customer", "Invoice", "Product", "Subscription", "server", "store"]


@dataclass
class _Active:
    """What the running StripeFake lends the resources: its console URL (pages' links), its event queue."""

    console_url: str = ""
    enqueue: Callable[[Any], None] | None = None


active = _Active()
_extended = False


class _Clock:
    """Stands in for the `time` module inside localstripe, so every timestamp there follows advanceclock."""

    offset = 0.0

    def time(self) -> float:
        return time.time() + self.offset


clock = _Clock()


def _console_url() -> str:
    return active.console_url


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
    start = getattr(sub, "_period_start", sub.start_date) if sub else int(clock.time())
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
    if active.enqueue is not None:
        active.enqueue(event)


def emit_updated(sub: Any, before: dict[str, Any]) -> None:
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
            sub.canceled_at = int(clock.time()) if sub.cancel_at_period_end else None
        emit_updated(sub, before)
        return sub

    return _api_update


def extend_localstripe() -> None:
    global _extended
    if _extended:
        return
    _extended = True
    store.dump_to_disk = lambda: None
    resources.time = clock
    resources.schedule_webhook = _schedule
    SubscriptionItem._current_period = _current_period
    SubscriptionItem.price = InvoiceLineItem.price = property(_price_of)
    Invoice.hosted_invoice_url = property(lambda invoice: f"{_console_url()}/stripe/invoices/{invoice.id}")
    Balance._export = _balance_export
    Subscription._api_update = staticmethod(_updating(Subscription._api_update))
    server.app.middlewares.insert(0, stripe_faults.middleware)  # outermost: a fault answers before localstripe
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        router = server.app.router
        router.add_post("/v1/prices", server.api_create(Price, None))
        router.add_get("/v1/prices/{id}", server.api_retrieve(Price, None))
        router.add_get("/v1/prices", server.api_list_all(Price, "/v1/prices"))
        router.add_post("/v1/checkout/sessions", server.api_create(CheckoutSession, None))
        router.add_get("/v1/checkout/sessions/{id}", server.api_retrieve(CheckoutSession, None))
        router.add_post("/v1/billing_portal/sessions", server.api_create(PortalSession, None))


def find(cls: Any, object_id: str) -> Any:
    found = store.get(f"{cls.object}:{object_id}")
    if found is None:
        raise KeyError(object_id)
    return found


def complete(session: Any) -> Any:
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
