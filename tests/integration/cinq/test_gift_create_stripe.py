"""gift-create authenticated by a Stripe webhook signature: a checkout.session.completed buys one code."""

from __future__ import annotations

import json
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import stripe
from moto.core import DEFAULT_ACCOUNT_ID
from moto.ses.models import ses_backends

from cinq import gifts, purchases
from cinq.schemas import GiftCreated
from tests.faults import Killed, failing, killed_after
from tests.integration.cinq.conftest import Client
from tests.integration.conftest import Answer
from tools.local.local_values import LOCAL_SECRETS

SECRET = LOCAL_SECRETS["CinqStripeWebhookSecretSecret"]


def signed(event: dict, secret: str = SECRET) -> tuple[str, str]:
    payload = json.dumps(event)
    now = int(time.time())
    return payload, f"t={now},v1={stripe.WebhookSignature._compute_signature(f'{now}.{payload}', secret)}"


def checkout_completed(
    email: str, payment_status: str = "paid", kind: str = "checkout.session.completed", session: str | None = None
) -> dict:
    return {
        "id": f"evt_{uuid.uuid4().hex}",
        "object": "event",
        "type": kind,
        "created": int(time.time()),
        "data": {
            "object": {
                "id": session or f"cs_test_{uuid.uuid4().hex}",
                "object": "checkout.session",
                "amount_total": 2000,
                "currency": "gbp",
                "customer_details": {"email": email},
                "payment_status": payment_status,
            }
        },
    }


def deliver(event: dict) -> Answer:
    payload, signature = signed(event)
    return Client().call(
        "gift_create", raw=payload, headers={"stripe-signature": signature}, drop_headers=("x-api-key",)
    )


def mails_to(email: str) -> list:
    return [
        m for m in ses_backends[DEFAULT_ACCOUNT_ID]["us-east-1"].sent_messages if email in m.destinations["ToAddresses"]
    ]


def test_a_paid_checkout_creates_one_code_and_mails_it(cinq):
    email = f"stripe-{uuid.uuid4().hex[:8]}@example.com"
    payload, signature = signed(checkout_completed(email))
    answer = Client().call(
        "gift_create", raw=payload, headers={"stripe-signature": signature}, drop_headers=("x-api-key",)
    )
    assert answer.status == 201
    assert answer.json["gift_code"]["amount"] == {"cents": 2000, "formatted": "20.00 GBP"}
    sent = mails_to(email)
    assert len(sent) == 1 and answer.json["code"] in sent[0].body
    # A redelivery of that event (Stripe's "Resend") mints nothing and mails the same code again
    replay = Client().call(
        "gift_create", raw=payload, headers={"stripe-signature": signature}, drop_headers=("x-api-key",)
    )
    assert replay.status == 200 and "code" not in replay.json
    assert len(mails_to(email)) == 2 and answer.json["code"] in mails_to(email)[0].body


def test_forged_stripe_signatures_are_401(cinq):
    payload, signature = signed(checkout_completed("x@example.com"), secret="whsec_someone_else")
    answer = Client().call(
        "gift_create", raw=payload, headers={"stripe-signature": signature}, drop_headers=("x-api-key",)
    )
    assert answer.status == 401 and answer.json["code"] == "INVALID_SIGNATURE"


def test_known_paths_with_other_methods_are_405_unknown_paths_404(cinq):
    not_found = Client().call("not_found")
    assert (not_found.status, not_found.json["code"]) == (405, "METHOD_NOT_ALLOWED")


def test_an_unpaid_checkout_is_acknowledged_and_mints_nothing_until_its_payment_succeeds(cinq):
    # Given a completed checkout whose payment is still pending (a delayed method: SEPA, bank transfer)
    email = f"pending-{uuid.uuid4().hex[:8]}@example.com"
    session = f"cs_test_{uuid.uuid4().hex}"
    for status in ("unpaid", "no_payment_required"):
        # When Stripe reports it, Then it is acknowledged without a code nor a mail
        pending = deliver(checkout_completed(email, payment_status=status, session=session))
        assert (pending.status, pending.json) == (200, {"success": True, "message": "Event acknowledged"})
    failed = deliver(checkout_completed(email, "unpaid", "checkout.session.async_payment_failed", session))
    assert failed.status == 200 and "code" not in failed.json
    assert mails_to(email) == []
    # When the payment succeeds later, Then one code is minted and mailed, once
    succeeded = deliver(checkout_completed(email, "paid", "checkout.session.async_payment_succeeded", session))
    assert succeeded.status == 201 and succeeded.json["code"] in mails_to(email)[0].body
    again = deliver(checkout_completed(email, "paid", "checkout.session.async_payment_succeeded", session))
    assert again.status == 200 and "code" not in again.json and len(mails_to(email)) == 1


def test_parallel_deliveries_for_one_session_mint_one_code(cinq):
    # Given a paid session's completed event and async success, each delivered 6 times at once
    email = f"racing-{uuid.uuid4().hex[:8]}@example.com"
    session = f"cs_test_{uuid.uuid4().hex}"
    deliveries = [
        signed(checkout_completed(email, "paid", kind, session))
        for kind in ("checkout.session.completed", "checkout.session.async_payment_succeeded")
        for _ in range(6)
    ]
    with ThreadPoolExecutor(max_workers=6) as pool:
        minted = list(pool.map(lambda delivery: purchases.stripe_checkout(*delivery), deliveries))
    # Then exactly one mints a code, mailed at least once (deliveries racing the first mail send it too), always
    # the same code
    created = [result for result in minted if isinstance(result, GiftCreated)]
    assert len(created) == 1
    code = created[0].code
    assert mails_to(email) and all(code in mail.body for mail in mails_to(email))


def test_a_code_whose_mail_failed_is_mailed_by_the_next_delivery(cinq):
    # Given SES refusing the mail of a paid checkout's code
    email = f"unmailed-{uuid.uuid4().hex[:8]}@example.com"
    session = f"cs_test_{uuid.uuid4().hex}"
    with failing("sesv2", "SendEmail", "TooManyRequestsException", 429):
        first = deliver(checkout_completed(email, session=session))
    # Then Stripe is told to deliver it again (503 in the envelope), and the code was minted once
    assert (first.status, first.json["code"]) == (503, "SERVICE_UNAVAILABLE") and first.headers["retry-after"] == "5"
    assert mails_to(email) == []
    # When Stripe delivers it again (any event of that session), Then the same code is mailed, once
    again = deliver(checkout_completed(email, session=session))
    assert again.status == 200 and len(mails_to(email)) == 1
    later = deliver(checkout_completed(email, "paid", "checkout.session.async_payment_succeeded", session))
    assert later.status == 200 and len(mails_to(email)) == 1
    code = next(word for word in mails_to(email)[0].body.replace("<", " ").replace(">", " ").split() if "CINQ-" in word)
    assert gifts.find(code).purchase_order_id == session


def test_a_function_stopped_between_minting_and_mailing_is_finished_by_the_redelivery(cinq):
    # Given the function stopped (its timeout) right after the code and its payment record were written
    email = f"stopped-{uuid.uuid4().hex[:8]}@example.com"
    event = checkout_completed(email)
    with killed_after(1, "TransactWriteItems"), pytest.raises(Killed):
        deliver(event)
    assert mails_to(email) == []
    # When Stripe delivers the event again (it had no answer), Then the code minted then is mailed, once
    again = deliver(event)
    assert again.status == 200 and len(mails_to(email)) == 1
    code = next(word for word in mails_to(email)[0].body.replace("<", " ").replace(">", " ").split() if "CINQ-" in word)
    assert gifts.find(code).purchase_order_id == event["data"]["object"]["id"]
