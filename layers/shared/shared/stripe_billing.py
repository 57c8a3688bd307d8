"""Stripe through its official SDK: a cached client per key and base URL, and webhook verification.

Only the base URL differs between production (api.stripe.com) and local runs
(the dev server's Stripe-compatible fake).

The SDK costs ~150 ms of a cold start to import, so it is imported where it is used: at init by the code
that calls Stripe on every request (bank2xls' billing, health and webhook import `stripe` themselves), on
the first request that needs it where only some do (cinq's gift-create: Stripe-signed purchases, or admin
creations), and never by the others (cinq's BTCPay webhook shares `cinq.purchases` with gift-create).
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import stripe


class InvalidStripeSignature(Exception):
    """The payload was not signed by Stripe with our endpoint's secret (or is not an event)."""


@lru_cache(maxsize=2)
def stripe_client(api_key: str, api_base: str) -> stripe.StripeClient:
    import stripe

    return stripe.StripeClient(api_key, base_addresses={"api": api_base}, max_network_retries=1)


def verify_event(payload: str | bytes, signature: str | None, secret: str) -> dict[str, Any]:
    """The event as a plain dict, once Stripe-Signature proves it (timestamp within 5 minutes)."""
    if not signature:
        raise InvalidStripeSignature("missing Stripe-Signature")
    import stripe

    try:
        event = stripe.Webhook.construct_event(payload, signature, secret)
    except (stripe.SignatureVerificationError, ValueError) as exc:
        raise InvalidStripeSignature(type(exc).__name__) from None
    return event.to_dict()
