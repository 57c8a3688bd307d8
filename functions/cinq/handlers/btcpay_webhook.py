"""POST /api/btcpay-webhook (also a Function URL): a settled BTCPay invoice buys one gift code."""

from cinq import purchases
from cinq.api import app, route
from cinq.schemas import BtcpayOutcome
from shared import body
from shared.observability import http_entrypoint


@route("POST", "btcpay-webhook", summary="BTCPay Server webhook (BTCPay-Sig required)")
def btcpay_webhook() -> BtcpayOutcome:
    event = app.current_event
    signature = event.headers.get("btcpay-sig")
    return purchases.btcpay_event(body.raw(event.raw_event), signature, event.request_context.request_id)


lambda_handler = http_entrypoint(app)
