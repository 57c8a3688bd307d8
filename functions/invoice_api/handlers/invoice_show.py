"""GET /api/v1/invoices/{invoice_id}: one invoice (404 for an unknown or non-integer id)."""

from invoice_api import invoices
from invoice_api.api import app, caller
from invoice_api.schemas import OneInvoice
from shared.observability import http_entrypoint


@app.get("/api/v1/invoices/<invoice_id>", summary="Show an invoice")
def invoice_show(invoice_id: int) -> OneInvoice:
    caller()
    return OneInvoice(data=invoices.show(invoice_id))


lambda_handler = http_entrypoint(app)
