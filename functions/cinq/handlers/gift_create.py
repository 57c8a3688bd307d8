"""POST /api/gift-create: a gift code for a confirmed payment (admin token, API key or Stripe webhook)."""

from typing import Any

from aws_lambda_powertools.event_handler import Response

from cinq import admin, gifts, purchases
from cinq.api import app, created, route
from cinq.schemas import GiftCreate
from shared.observability import http_entrypoint

STORE_IT = "Gift code created successfully. Store this code securely - it cannot be retrieved later."


@route("POST", "gift-create", summary="Create a gift code (service authentication)")
def gift_create() -> Response[Any]:
    event = app.current_event
    if signature := event.headers.get("stripe-signature"):
        bought = purchases.stripe_checkout(event.decoded_body or "", signature)
        if bought is None:
            return Response(200, "application/json", {"success": True, "message": "Event acknowledged"})
        code, gift = bought
    else:
        admin.require_service(event.headers.get("authorization"), event.headers.get("x-api-key"))
        body = GiftCreate.model_validate(event.json_body or {})
        code, gift = gifts.create(source="admin", **body.model_dump())
    return created({"success": True, "code": code, "gift_code": gifts.summary(gift), "message": STORE_IT})


lambda_handler = http_entrypoint(app)
