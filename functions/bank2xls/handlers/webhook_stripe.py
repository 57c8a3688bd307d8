"""POST /api/webhooks/stripe (also a Function URL): Stripe events, verified and applied once."""

from bank2xls import webhooks
from bank2xls.api import app
from bank2xls.schemas import WebhookProcessed
from shared.observability import http_entrypoint


@app.post("/api/webhooks/stripe", summary="Stripe webhook (Stripe-Signature required)")
def webhook_stripe() -> WebhookProcessed:
    event = app.current_event
    webhooks.receive(event.decoded_body or "", event.headers.get("stripe-signature"))
    return WebhookProcessed()


lambda_handler = http_entrypoint(app)
