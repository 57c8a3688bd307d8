"""Billing through the real stripe SDK against the local Stripe server; its signed webhooks fed to our handler."""

from __future__ import annotations

import json
import time
import uuid

import stripe

from tests.integration.bank2xls.conftest import Browser
from tests.integration.conftest import Receiver
from tools.local.local_values import CONSOLE_URL, LOCAL_SECRETS
from tools.local.stripe_fake import StripeFake


def deliver(browser: Browser, receiver: Receiver, kind: str, nth: int = 1, **fields: object) -> dict:
    body, signature = receiver.wait_for(kind, nth, **fields)
    answer = browser.call("webhook_stripe", body.decode(), headers={"stripe-signature": signature})
    assert answer.status == 200, answer.json
    return answer.json


def subscribed(stripe_fake: StripeFake, receiver: Receiver) -> tuple[Browser, str, str]:
    """A signed-in user who went through checkout, with the resulting webhooks processed."""
    browser = Browser()
    browser.sign_in(f"payer-{uuid.uuid4().hex[:8]}@example.com")
    url = browser.call("billing_checkout", {"planId": "monthly_100"}).json["checkoutUrl"]
    session_id = url.rsplit("/", 1)[-1]
    subscription = stripe_fake.complete_checkout(session_id)["subscription"]
    for kind, fields in (
        ("invoice.paid", {"subscription": subscription}),
        ("customer.subscription.created", {"id": subscription}),
        ("checkout.session.completed", {"id": session_id}),
    ):
        deliver(browser, receiver, kind, **fields)
    return browser, session_id, subscription


def test_checkout_url_is_a_subscription_session_ending_with_its_id(bank2xls):
    browser = Browser()
    browser.sign_in(f"buyer-{uuid.uuid4().hex[:8]}@example.com")
    answer = browser.call("billing_checkout", {"planId": "monthly_100"})
    assert answer.status == 200
    assert answer.json["checkoutUrl"].startswith(f"{CONSOLE_URL}/stripe/checkout/cs_")
    again = browser.call("billing_checkout", {"planId": "monthly_100"}).json["checkoutUrl"]
    assert again != answer.json["checkoutUrl"]  # a new session, the same customer (checked below)


def test_unknown_plan(bank2xls):
    browser = Browser()
    browser.sign_in(f"buyer-{uuid.uuid4().hex[:8]}@example.com")
    answer = browser.call("billing_checkout", {"planId": "yearly_9000"})
    assert (answer.status, answer.json) == (400, {"error": {"code": "PLAN_UNKNOWN", "message": "Plan inconnu"}})


def test_paying_grants_the_plan_credits_once_and_shows_the_subscription_and_invoice(
    bank2xls, stripe_fake, stripe_receiver
):
    browser, _, subscription = subscribed(stripe_fake, stripe_receiver)
    balance = browser.call("credits_balance").json
    assert balance["paidCredits"]["balance"] == 100
    assert balance["subscription"]["status"] == "active" and balance["subscription"]["planId"] == "monthly_100"
    assert balance["subscription"]["nextInvoiceAt"].endswith("Z") and balance["rollover"] is True
    invoices = browser.call("billing_invoices").json["invoices"]
    assert len(invoices) == 1
    assert invoices[0]["amount"] == 1999 and invoices[0]["currency"] == "eur" and invoices[0]["status"] == "paid"
    assert invoices[0]["invoiceUrl"].endswith(invoices[0]["id"])
    # Redelivered events answer processed and change nothing
    deliver(browser, stripe_receiver, "invoice.paid", subscription=subscription)
    assert browser.call("credits_balance").json["paidCredits"]["balance"] == 100


def test_renewal_adds_credits_cancellation_stops_renewals_and_credits_roll_over(bank2xls, stripe_fake, stripe_receiver):
    browser, _, subscription = subscribed(stripe_fake, stripe_receiver)
    browser.call("credits_consume", {"amount": 30})
    # A month later: a new paid invoice
    renewal = stripe_fake.advance_clock(31)
    assert subscription in renewal["renewed"]
    deliver(browser, stripe_receiver, "invoice.paid", nth=2, subscription=subscription)
    assert browser.call("credits_balance").json["paidCredits"]["balance"] == 170
    # Cancel in the portal: no next invoice, then the subscription ends at period end
    portal = browser.call("billing_portal").json["portalUrl"]
    stripe_fake.cancel_from_portal(portal.rsplit("/", 1)[-1])
    deliver(browser, stripe_receiver, "customer.subscription.updated", id=subscription, cancel_at_period_end=True)
    cancelled = browser.call("credits_balance").json["subscription"]
    assert cancelled["status"] == "active" and cancelled["nextInvoiceAt"] is None
    assert cancelled["endsAt"].endswith("Z")  # the billing page shows "résilié, prend fin le …"
    stripe_fake.advance_clock(31)
    deliver(browser, stripe_receiver, "customer.subscription.deleted", id=subscription)
    balance = browser.call("credits_balance").json
    assert balance["subscription"]["status"] == "canceled" and balance["subscription"]["endsAt"] is None
    assert balance["paidCredits"]["balance"] == 170  # rolled over
    assert len(browser.call("billing_invoices").json["invoices"]) == 2


def test_forged_missing_or_stale_signatures_are_refused(bank2xls):
    browser = Browser()
    event = json.dumps(
        {
            "id": f"evt_{uuid.uuid4().hex}",
            "object": "event",
            "type": "invoice.paid",
            "created": int(time.time()),
            "data": {"object": {"id": "in_x", "customer": "cus_x"}},
        }
    )
    secret = LOCAL_SECRETS["StripeWebhookSecretSecret"]
    good = stripe.WebhookSignature._compute_signature(f"{int(time.time())}.{event}", secret)
    cases = {
        "forged": f"t={int(time.time())},v1={'0' * 64}",
        "other secret": f"t={int(time.time())},v1="
        + stripe.WebhookSignature._compute_signature(f"{int(time.time())}.{event}", "whsec_other"),
        "stale": f"t={int(time.time()) - 3600},v1="
        + stripe.WebhookSignature._compute_signature(f"{int(time.time()) - 3600}.{event}", secret),
        "tampered": f"t={int(time.time())},v1={good}",
    }
    for name, signature in cases.items():
        body = event.replace("in_x", "in_y") if name == "tampered" else event
        answer = browser.call("webhook_stripe", body, headers={"stripe-signature": signature})
        assert (answer.status, answer.json["error"]["code"]) == (400, "INVALID_SIGNATURE"), name
    missing = browser.call("webhook_stripe", event, drop_headers=["stripe-signature"])
    assert (missing.status, missing.json["error"]["code"]) == (400, "INVALID_SIGNATURE")


def test_stripe_down_is_a_502_in_the_envelope(bank2xls, monkeypatch):
    from bank2xls.settings import settings

    browser = Browser()
    browser.sign_in(f"buyer-{uuid.uuid4().hex[:8]}@example.com")
    monkeypatch.setenv("STRIPE_API_BASE", "http://127.0.0.1:9")
    settings.cache_clear()
    answer = browser.call("billing_portal")
    assert (answer.status, answer.json) == (502, {"error": {"code": "STRIPE_ERROR", "message": "Erreur de paiement"}})


def test_an_active_subscriber_cannot_check_out_twice(bank2xls, stripe_fake, stripe_receiver):
    browser, _, _ = subscribed(stripe_fake, stripe_receiver)
    answer = browser.call("billing_checkout", {"planId": "monthly_100"})
    assert (answer.status, answer.json["error"]["code"]) == (409, "ALREADY_SUBSCRIBED")
