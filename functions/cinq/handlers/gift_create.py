"""POST /api/gift-create: a gift code for a confirmed payment (admin token, API key or Stripe webhook)."""

from aws_lambda_powertools.event_handler import Response

from cinq import admin, gifts, purchases
from cinq.api import Answers, app, documented, respond, route
from cinq.schemas import EventAcknowledged, GiftCreate, GiftCreated
from shared.observability import http_entrypoint

ANSWERS: Answers = {201: GiftCreated, 200: EventAcknowledged}


@route("POST", "gift-create", summary="Create a gift code (service authentication)", responses=documented(ANSWERS))
def gift_create() -> Response[GiftCreated | EventAcknowledged]:
    event = app.current_event
    outcome: GiftCreated | EventAcknowledged
    if signature := event.headers.get("stripe-signature"):
        outcome = purchases.stripe_checkout(event.decoded_body or "", signature)
    else:
        # Validated here, not as a parameter: a Stripe event is not a GiftCreate.
        admin.require_service(event.headers.get("authorization"), event.headers.get("x-api-key"))
        outcome = gifts.issue(GiftCreate.model_validate(event.json_body or {}))
    return respond(outcome, ANSWERS)


lambda_handler = http_entrypoint(app)
