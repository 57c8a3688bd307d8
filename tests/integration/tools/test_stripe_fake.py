"""The local Stripe fake, driven only through the stripe SDK calls our code makes and the dev console's operations."""

from __future__ import annotations

import hashlib
import hmac
import time
from typing import Any
from uuid import uuid4

import pytest
import stripe

from tests.integration.conftest import Receiver
from tools.local.local_values import CONSOLE_URL, LOCAL_SECRETS
from tools.local.stripe_fake import StripeFake, pages

SECRET = LOCAL_SECRETS["StripeWebhookSecretSecret"]
LOOKUP_KEY = "bank2xls_monthly_100"


@pytest.fixture(scope="module")
def receiver(stripe_receiver: Receiver) -> Receiver:
    return stripe_receiver


@pytest.fixture(scope="module")
def fake(stripe_fake: StripeFake) -> StripeFake:
    return stripe_fake


@pytest.fixture(scope="module")
def price_id(fake: StripeFake) -> str:
    return fake.ensure_price(LOOKUP_KEY, 1999, "eur", "month", "bank2xls 100")


@pytest.fixture(scope="module")
def client(fake: StripeFake) -> stripe.StripeClient:
    return stripe.StripeClient("sk_test_local", base_addresses={"api": fake.base_url})


def open_checkout(client: stripe.StripeClient, price_id: str) -> tuple[str, Any]:
    user_id = f"user-{uuid4().hex[:8]}"
    customer = client.v1.customers.create(params={"email": f"{user_id}@example.com", "metadata": {"userId": user_id}})
    metadata = {"userId": user_id, "planId": "monthly_100"}
    session = client.v1.checkout.sessions.create(
        params={
            "mode": "subscription",
            "customer": customer.id,
            "line_items": [{"price": price_id, "quantity": 1}],
            "success_url": "http://127.0.0.1:3001/billing/success",
            "cancel_url": "http://127.0.0.1:3001/billing/cancel",
            "client_reference_id": user_id,
            "metadata": metadata,
            "subscription_data": {"metadata": metadata},
        }
    )
    return customer.id, session


def subscribe(client: stripe.StripeClient, fake: StripeFake, price_id: str) -> tuple[str, str]:
    customer_id, session = open_checkout(client, price_id)
    return customer_id, fake.complete_checkout(session.id)["subscription"]


def paid_invoices(client: stripe.StripeClient, customer_id: str) -> list[Any]:
    invoices = client.v1.invoices.list(params={"customer": customer_id, "limit": 24}).data
    assert all(invoice.status == "paid" for invoice in invoices)
    return invoices


def verified(delivery: tuple[bytes, str]) -> Any:
    return stripe.Webhook.construct_event(delivery[0], delivery[1], SECRET)


def test_the_plan_price_is_found_by_its_lookup_key(
    fake: StripeFake, client: stripe.StripeClient, price_id: str
) -> None:
    # Given the plan's price, ensured again (make run does it at every start)
    assert fake.ensure_price(LOOKUP_KEY, 1999, "eur", "month", "bank2xls 100") == price_id
    # When our code looks it up
    prices = client.v1.prices.list(params={"lookup_keys": [LOOKUP_KEY], "active": True, "limit": 1})
    # Then it gets that one price, with Stripe's fields
    [price] = prices.data
    assert (price.id, price.lookup_key, price.unit_amount, price.currency) == (price_id, LOOKUP_KEY, 1999, "eur")
    assert price.recurring.interval == "month" and price.product.startswith("prod_")
    assert client.v1.balance.retrieve().object == "balance"  # the health check's call


def test_a_checkout_session_is_open_and_its_url_ends_with_its_id(
    fake: StripeFake, client: stripe.StripeClient, price_id: str
) -> None:
    # Given a customer, When a subscription checkout is created for them
    customer_id, session = open_checkout(client, price_id)
    # Then the session is open, for that customer, and its page is on the dev console
    assert session.id.startswith("cs_test_") and session.object == "checkout.session"
    assert session.url == f"{CONSOLE_URL}/stripe/checkout/{session.id}"
    assert (session.mode, session.status, session.payment_status) == ("subscription", "open", "unpaid")
    assert session.customer == customer_id and session.subscription is None
    assert session.client_reference_id == session.metadata["userId"]
    page = pages.checkout_page(fake, session.id)
    assert page is not None and "Payer 19,99 €" in page and f"/stripe/checkout/sessions/{session.id}/complete" in page


def test_completing_checkout_sends_three_signed_webhooks(
    fake: StripeFake, client: stripe.StripeClient, receiver: Receiver, price_id: str
) -> None:
    # Given an open checkout
    customer_id, session = open_checkout(client, price_id)
    # When the customer pays on the checkout page
    completed = fake.complete_checkout(session.id)
    # Then the three events our code handles arrive, each signed with the endpoint's secret
    sub_id = completed["subscription"]
    checkout = verified(receiver.wait_for("checkout.session.completed", id=session.id))
    invoice = verified(receiver.wait_for("invoice.paid", subscription=sub_id))
    created = verified(receiver.wait_for("customer.subscription.created", id=sub_id))
    events = (checkout, invoice, created)
    assert len({event.id for event in events}) == 3 and all(event.id.startswith("evt_") for event in events)
    assert all(event.livemode is False and event.api_version and event.created for event in events)
    paid = checkout.data.object
    assert (paid.status, paid.payment_status) == ("complete", "paid")
    assert (paid.subscription, paid.customer) == (sub_id, customer_id)
    assert paid.client_reference_id == session.client_reference_id and paid.metadata == session.metadata
    bill = invoice.data.object
    assert (bill.amount_paid, bill.currency, bill.status, bill.customer) == (1999, "eur", "paid", customer_id)
    assert created.data.object.status == "active" and created.data.object.metadata == session.metadata


def test_a_forged_webhook_fails_verification(fake: StripeFake, client: stripe.StripeClient, receiver: Receiver) -> None:
    # Given a genuine delivery
    customer = client.v1.customers.create(params={"email": f"{uuid4().hex[:8]}@example.com"})
    body, signature = receiver.wait_for("customer.created", id=customer.id)
    # When its body is altered, or it is signed with another secret
    altered = body.replace(customer.id.encode(), b"cus_someoneelse")
    stamp = int(time.time())
    forged = hmac.new(b"whsec_not_ours", f"{stamp}.".encode() + body, hashlib.sha256).hexdigest()
    # Then Stripe's own check refuses both
    for payload, header in ((altered, signature), (body, f"t={stamp},v1={forged}")):
        with pytest.raises(stripe.SignatureVerificationError):
            stripe.Webhook.construct_event(payload, header, SECRET)


def test_completing_checkout_leaves_an_active_subscription_and_one_paid_invoice(
    fake: StripeFake, client: stripe.StripeClient, price_id: str
) -> None:
    # Given a paid checkout, paid twice (a double click)
    customer_id, session = open_checkout(client, price_id)
    sub_id = fake.complete_checkout(session.id)["subscription"]
    assert fake.complete_checkout(session.id)["subscription"] == sub_id
    # When our code reads the subscription and the invoices
    sub = client.v1.subscriptions.retrieve(sub_id)
    [invoice] = paid_invoices(client, customer_id)
    # Then both are as Stripe shows them after a first payment
    assert (sub.status, sub.cancel_at_period_end, sub.metadata) == ("active", False, session.metadata)
    assert sub.current_period_end > time.time() + 27 * 86400
    assert sub["items"].data[0].price.id == sub["items"].data[0].plan.id == price_id
    assert (invoice.amount_paid, invoice.amount_due, invoice.currency) == (1999, 1999, "eur")
    assert invoice.subscription == sub_id
    assert invoice.id.startswith("in_") and invoice.customer == customer_id and invoice.created > 0
    assert invoice.hosted_invoice_url == f"{CONSOLE_URL}/stripe/invoices/{invoice.id}"


def test_a_month_later_the_subscription_renews_with_a_new_paid_invoice(
    fake: StripeFake, client: stripe.StripeClient, receiver: Receiver, price_id: str
) -> None:
    # Given an active subscription
    customer_id, sub_id = subscribe(client, fake, price_id)
    first_end = client.v1.subscriptions.retrieve(sub_id).current_period_end
    # When 31 days pass
    summary = fake.advance_clock(31)
    # Then it renewed: a second paid invoice, its invoice.paid and the moved period
    assert sub_id in summary["renewed"] and sub_id not in summary["canceled"]
    renewal, first = paid_invoices(client, customer_id)
    assert renewal.id != first.id and renewal.amount_paid == 1999 and renewal.created > first.created
    assert verified(receiver.wait_for("invoice.paid", id=renewal.id)).data.object.subscription == sub_id
    updated = verified(receiver.wait_for("customer.subscription.updated", id=sub_id, current_period_start=first_end))
    assert updated.data.object.current_period_end > first_end
    assert client.v1.subscriptions.retrieve(sub_id).status == "active"


def test_cancelling_in_the_portal_ends_the_subscription_at_period_end(
    fake: StripeFake, client: stripe.StripeClient, receiver: Receiver, price_id: str
) -> None:
    # Given an active subscription and its customer in the billing portal
    customer_id, sub_id = subscribe(client, fake, price_id)
    portal = client.v1.billing_portal.sessions.create(
        params={"customer": customer_id, "return_url": "http://127.0.0.1:3001/account"}
    )
    assert portal.url == f"{CONSOLE_URL}/stripe/portal/{portal.id}"
    assert "Résilier" in (pages.portal_page(fake, portal.id) or "")
    # When they cancel there
    fake.cancel_from_portal(portal.id)
    # Then the subscription runs to the end of its period
    assert client.v1.subscriptions.retrieve(sub_id).cancel_at_period_end is True
    receiver.wait_for("customer.subscription.updated", id=sub_id, cancel_at_period_end=True)
    # When that period is over
    summary = fake.advance_clock(31)
    # Then it is canceled, said so by webhook, and nothing more was charged
    assert sub_id in summary["canceled"] and sub_id not in summary["renewed"]
    assert client.v1.subscriptions.retrieve(sub_id).status == "canceled"
    deleted = verified(receiver.wait_for("customer.subscription.deleted", id=sub_id))
    assert deleted.data.object.status == "canceled"
    assert len(paid_invoices(client, customer_id)) == 1
