"""POST /api/btcpay-webhook (also a Function URL): a settled BTCPay invoice buys one gift code."""

from typing import Any

from cinq import gifts, purchases
from cinq.api import app, route
from shared import body
from shared.observability import http_entrypoint


@route("POST", "btcpay-webhook", summary="BTCPay Server webhook (BTCPay-Sig required)")
def btcpay_webhook() -> dict[str, Any]:
    event = app.current_event
    outcome = purchases.btcpay_event(body.raw(event.raw_event), event.headers.get("btcpay-sig"))
    answer: dict[str, Any] = {"success": True, "requestId": event.request_context.request_id, **outcome}
    if outcome["action"] == "created":
        gift = answer.pop("gift")
        answer["message"] = "Gift code created successfully"
        answer["giftCode"] = {
            key: value for key, value in gifts.summary(gift).items() if key in ("id", "prefix", "amount")
        }
        answer["giftCode"]["expiresAt"] = gifts.summary(gift)["expires_at"]
    else:
        answer["message"] = "Already processed" if outcome["action"] == "already_processed" else "Event acknowledged"
    return answer


lambda_handler = http_entrypoint(app)
