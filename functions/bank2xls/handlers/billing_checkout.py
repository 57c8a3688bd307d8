"""POST /api/billing/checkout: a Stripe Checkout Session (subscription) for a plan."""

from bank2xls import billing, sessions
from bank2xls.api import app, caller, with_session
from bank2xls.schemas import CheckoutCreated, CheckoutRequest
from shared.observability import http_entrypoint


@app.post("/api/billing/checkout", middlewares=[with_session], summary="Start a subscription checkout")
def billing_checkout(body: CheckoutRequest) -> CheckoutCreated:
    user_id = sessions.require_user(caller())
    return CheckoutCreated(checkoutUrl=billing.checkout_url(user_id, body.planId))


lambda_handler = http_entrypoint(app)
