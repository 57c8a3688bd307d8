"""Stripe's webhooks while DynamoDB fails: an event that could not be recorded is answered non-2xx (Stripe
delivers it again), and the delivery that gets through applies it once; a function stopped right after
recording it leaves nothing a redelivery would apply twice."""

from __future__ import annotations

import uuid

import pytest

from tests.faults import Killed, failing, killed_after
from tests.integration.bank2xls.conftest import Browser
from tests.integration.conftest import Receiver
from tools.local.stripe_fake import StripeFake


def paid_subscription(stripe_fake: StripeFake, receiver: Receiver) -> tuple[Browser, str, str]:
    """A signed-in user whose checkout Stripe completed; returns the user and the invoice.paid delivery."""
    browser = Browser()
    browser.sign_in(f"payer-{uuid.uuid4().hex[:8]}@example.com")
    url = browser.call("billing_checkout", {"planId": "monthly_100"}).json["checkoutUrl"]
    subscription = stripe_fake.complete_checkout(url.rsplit("/", 1)[-1])["subscription"]
    body, signature = receiver.wait_for("invoice.paid", 1, subscription=subscription)
    return browser, body.decode(), signature


def credits(browser: Browser) -> int:
    return int(browser.call("credits_balance").json["paidCredits"]["balance"])


def test_an_event_that_could_not_be_recorded_is_a_503_and_its_redelivery_applies_it_once(
    bank2xls, stripe_fake, stripe_receiver
):
    browser, body, signature = paid_subscription(stripe_fake, stripe_receiver)
    # Given DynamoDB refusing the transaction that records the event with its credits
    with failing("dynamodb", "TransactWriteItems", "ThrottlingException", 400) as refused:
        first = browser.call("webhook_stripe", body, headers={"stripe-signature": signature})
    # Then Stripe is told to retry (non-2xx, in the envelope), and nothing was granted
    assert refused[0] == 1
    assert (first.status, first.json["error"]["code"]) == (503, "SERVICE_UNAVAILABLE")
    assert first.headers["retry-after"] == "5"
    assert credits(browser) == 0
    # When Stripe delivers it again, twice, Then the plan's credits are granted once
    for _ in range(2):
        assert browser.call("webhook_stripe", body, headers={"stripe-signature": signature}).status == 200
    assert credits(browser) == 100


def test_a_function_stopped_right_after_recording_an_event_leaves_nothing_to_apply_twice(
    bank2xls, stripe_fake, stripe_receiver
):
    browser, body, signature = paid_subscription(stripe_fake, stripe_receiver)
    # Given the function stopped (its timeout) right after the event's transaction, before answering Stripe
    with killed_after(1, "TransactWriteItems"), pytest.raises(Killed):
        browser.call("webhook_stripe", body, headers={"stripe-signature": signature})
    assert credits(browser) == 100
    # When Stripe delivers it again (it had no answer), Then it is acknowledged and changes nothing
    assert browser.call("webhook_stripe", body, headers={"stripe-signature": signature}).status == 200
    assert credits(browser) == 100
