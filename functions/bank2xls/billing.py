"""Stripe billing: a customer per user, subscription checkout, the billing portal, invoices.

These are the SDK calls production makes; locally only the API base differs.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import stripe

from bank2xls.errors import AlreadySubscribed, PlanUnknown, StripeError
from bank2xls.models import CustomerItem, UserItem
from bank2xls.schemas import Invoice
from bank2xls.settings import Plan, settings
from shared.dynamo import applied
from shared.observability import logger
from shared.secrets import get_secret
from shared.stripe_billing import stripe_client
from shared.timefmt import iso_millis as iso

INVOICES_SHOWN = 24


def client() -> stripe.StripeClient:
    config = settings()
    return stripe_client(get_secret(config.stripe_secret_key_secret), config.stripe_api_base)


def plan(plan_id: str) -> Plan:
    found = settings().plans.get(plan_id)
    if found is None:
        raise PlanUnknown()
    return found


def checkout_url(user_id: str, plan_id: str) -> str:
    chosen = plan(plan_id)
    if UserItem.of(user_id, consistent_read=True).subscription_status == "active":
        raise AlreadySubscribed()  # a second checkout would bill twice
    customer = customer_for(user_id)
    app_url = settings().app_url.rstrip("/")
    prices = _call(
        lambda: client().v1.prices.list(params={"lookup_keys": [chosen.lookup_key], "active": True, "limit": 1})
    )
    if not prices.data:
        logger.error("no Stripe price for plan", extra={"plan_id": plan_id})
        raise StripeError()
    metadata = {"userId": user_id, "planId": plan_id}
    session = _call(
        lambda: client().v1.checkout.sessions.create(
            params={
                "mode": "subscription",
                "customer": customer,
                "line_items": [{"price": prices.data[0].id, "quantity": 1}],
                "success_url": f"{app_url}/billing?checkout=success",
                "cancel_url": f"{app_url}/billing?checkout=cancel",
                "client_reference_id": user_id,
                "metadata": metadata,
                "subscription_data": {"metadata": metadata},
            }
        )
    )
    return str(session.url)


def portal_url(user_id: str) -> str:
    customer = customer_for(user_id)
    return_url = f"{settings().app_url.rstrip('/')}/billing?portal=return"  # the page then polls for the change
    session = _call(
        lambda: client().v1.billing_portal.sessions.create(params={"customer": customer, "return_url": return_url})
    )
    return str(session.url)


def invoices(user_id: str) -> list[Invoice]:
    user = UserItem.of(user_id)
    if not user.stripe_customer_id:
        return []
    found = _call(
        lambda: client().v1.invoices.list(params={"customer": user.stripe_customer_id, "limit": INVOICES_SHOWN})
    )
    return [
        Invoice(
            id=str(invoice.id),
            amount=invoice.amount_paid if invoice.status == "paid" else invoice.amount_due,
            currency=invoice.currency,
            status=invoice.status,
            created=iso(datetime.fromtimestamp(invoice.created, UTC)),
            invoiceUrl=invoice.hosted_invoice_url,
        )
        for invoice in found.data
    ]


def customer_for(user_id: str) -> str:
    """The user's Stripe customer, created once (a conditional write settles concurrent first calls). The
    idempotency key makes a retry after a failure (of Stripe's answer, or of our writes) get the same customer
    for 24 hours rather than a second one."""
    user = UserItem.of(user_id, consistent_read=True)
    if user.stripe_customer_id:
        return user.stripe_customer_id
    customer = _call(
        lambda: client().v1.customers.create(
            params={"email": user.email, "metadata": {"userId": user_id}},
            options={"idempotency_key": f"bank2xls-customer-{user_id}"},
        )
    )
    CustomerItem(*CustomerItem.key(customer.id), user_id=user_id).save()
    if applied(
        lambda: user.update(
            actions=[UserItem.stripe_customer_id.set(customer.id)],
            condition=UserItem.stripe_customer_id.does_not_exist(),
        )
    ):
        return str(customer.id)
    return str(UserItem.of(user_id, consistent_read=True).stripe_customer_id)


def health() -> bool:
    _call(lambda: client().v1.balance.retrieve())
    return True


def subscription(subscription_id: str) -> dict[str, Any]:
    return _call(lambda: client().v1.subscriptions.retrieve(subscription_id)).to_dict()


def _call[T](request: Callable[[], T]) -> T:
    try:
        return request()
    except stripe.StripeError as exc:
        logger.warning("stripe call failed", extra={"stripe_error": type(exc).__name__, "code": exc.code})
        raise StripeError() from None
