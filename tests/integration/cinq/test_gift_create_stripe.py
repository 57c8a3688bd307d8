"""gift-create authenticated by a Stripe webhook signature: a checkout.session.completed buys one code."""

from __future__ import annotations

import json
import time
import uuid

import stripe
from moto.core import DEFAULT_ACCOUNT_ID
from moto.ses.models import ses_backends

from tests.integration.cinq.conftest import Client
from tools.local.local_values import LOCAL_SECRETS

SECRET = LOCAL_SECRETS["CinqStripeWebhookSecretSecret"]


def signed(event: dict, secret: str = SECRET) -> tuple[str, str]:
    payload = json.dumps(event)
    now = int(time.time())
    return payload, f"t={now},v1={stripe.WebhookSignature._compute_signature(f'{now}.{payload}', secret)}"


def checkout_completed(email: str) -> dict:
    return {
        "id": f"evt_{uuid.uuid4().hex}",
        "object": "event",
        "type": "checkout.session.completed",
        "created": int(time.time()),
        "data": {
            "object": {
                "id": f"cs_test_{uuid.uuid4().hex}",
                "object": "checkout.session",
                "amount_total": 2000,
                "currency": "gbp",
                "customer_details": {"email": email},
                "payment_status": "paid",
            }
        },
    }


def test_a_paid_checkout_creates_one_code_and_mails_it(cinq):
    email = f"stripe-{uuid.uuid4().hex[:8]}@example.com"
    payload, signature = signed(checkout_completed(email))
    answer = Client().call(
        "gift_create", raw=payload, headers={"stripe-signature": signature}, drop_headers=("x-api-key",)
    )
    assert answer.status == 201
    assert answer.json["gift_code"]["amount"] == {"cents": 2000, "formatted": "20.00 GBP"}
    replay = Client().call(
        "gift_create", raw=payload, headers={"stripe-signature": signature}, drop_headers=("x-api-key",)
    )
    assert replay.status == 200 and "code" not in replay.json
    sent = [
        m for m in ses_backends[DEFAULT_ACCOUNT_ID]["us-east-1"].sent_messages if email in m.destinations["ToAddresses"]
    ]
    assert len(sent) == 1 and answer.json["code"] in sent[0].body


def test_forged_stripe_signatures_are_401(cinq):
    payload, signature = signed(checkout_completed("x@example.com"), secret="whsec_someone_else")
    answer = Client().call(
        "gift_create", raw=payload, headers={"stripe-signature": signature}, drop_headers=("x-api-key",)
    )
    assert answer.status == 401 and answer.json["code"] == "INVALID_SIGNATURE"


def test_known_paths_with_other_methods_are_405_unknown_paths_404(cinq):
    not_found = Client().call("not_found")
    assert (not_found.status, not_found.json["code"]) == (405, "METHOD_NOT_ALLOWED")
