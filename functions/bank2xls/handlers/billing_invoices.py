"""GET /api/billing/invoices: the signed-in customer's Stripe invoices."""

from bank2xls import billing, sessions
from bank2xls.api import app, caller, with_session
from bank2xls.schemas import Invoices
from shared.observability import http_entrypoint


@app.get("/api/billing/invoices", middlewares=[with_session], summary="List invoices")
def billing_invoices() -> Invoices:
    return Invoices(invoices=billing.invoices(sessions.require_user(caller())))


lambda_handler = http_entrypoint(app)
