"""GET /api/credits/balance: the free daily credit (anonymous) or paid credits and subscription."""

from bank2xls import credits
from bank2xls.api import app, caller, with_session
from bank2xls.schemas import AnonymousBalance, AuthenticatedBalance
from shared.observability import http_entrypoint


@app.get("/api/credits/balance", middlewares=[with_session], summary="Credit balance")
def credits_balance() -> AnonymousBalance | AuthenticatedBalance:
    return credits.balance(caller())


lambda_handler = http_entrypoint(app)
