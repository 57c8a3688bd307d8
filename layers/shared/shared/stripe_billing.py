"""Stripe through its official SDK: a cached client per key and base URL, and webhook verification.

Only the base URL differs between production (api.stripe.com) and local runs
(the dev server's Stripe-compatible fake).

A call waits at most 1 s to connect and 4 s for the answer, shortened to what is left of the invocation
(`shared.deadline`), and is retried once (the SDK's idempotency keys make a retried POST safe): one call ends
within `worst_case_seconds()` (8.5 s), under the calling functions' 15 s.

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


CONNECT_TIMEOUT = 1.0
READ_TIMEOUT = 4.0
NETWORK_RETRIES = 1
RETRY_WAIT = 0.5  # the SDK's first backoff (HTTPClient.INITIAL_DELAY)


def worst_case_seconds() -> float:
    return (NETWORK_RETRIES + 1) * (CONNECT_TIMEOUT + READ_TIMEOUT) + NETWORK_RETRIES * RETRY_WAIT


@lru_cache(maxsize=2)
def stripe_client(api_key: str, api_base: str) -> stripe.StripeClient:
    import stripe

    return stripe.StripeClient(
        api_key,
        base_addresses={"api": api_base},
        max_network_retries=NETWORK_RETRIES,
        http_client=_bounded_http_client(),
    )


def _bounded_http_client() -> Any:
    import stripe

    from shared import deadline

    class BoundedRequestsClient(stripe.RequestsClient):
        """The SDK's requests client with each attempt's timeout shortened to what the invocation has left."""

        def request(self, *args: Any, **kwargs: Any) -> Any:
            try:
                read = deadline.bounded(CONNECT_TIMEOUT + READ_TIMEOUT) - CONNECT_TIMEOUT
            except deadline.OutOfTime as exc:
                raise stripe.APIConnectionError(f"not attempted: {exc}", should_retry=False) from None
            self._timeout = (CONNECT_TIMEOUT, max(read, 0.1))
            return super().request(*args, **kwargs)

    return BoundedRequestsClient(timeout=(CONNECT_TIMEOUT, READ_TIMEOUT))


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
