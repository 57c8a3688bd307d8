"""GET /billing: subscription, invoices, checkout and portal; anonymous visitors are sent to sign in."""

from aws_lambda_powertools.event_handler import Response

from bank2xls import pages
from bank2xls.api import app, caller, with_session
from shared.observability import http_entrypoint


@app.get("/billing", middlewares=[with_session], include_in_schema=False)
def page_billing() -> Response[str]:
    return pages.page("billing", caller(), signed_in_only=True)


lambda_handler = http_entrypoint(app)
