"""POST /api/billing/portal: a Stripe Billing Portal session for the signed-in customer."""

from bank2xls import billing, sessions
from bank2xls.api import app, caller, with_session
from bank2xls.schemas import PortalCreated
from shared.observability import http_entrypoint


@app.post("/api/billing/portal", middlewares=[with_session], summary="Open the billing portal")
def billing_portal() -> PortalCreated:
    return PortalCreated(portalUrl=billing.portal_url(sessions.require_user(caller())))


lambda_handler = http_entrypoint(app)
