"""DELETE /api/v1/invoices/{invoice_id} (400 "Invoice not deleted" for an unknown or non-integer id)."""

from invoice_api import invoices
from invoice_api.api import app, caller
from invoice_api.schemas import Done
from shared.observability import http_entrypoint


@app.delete("/api/v1/invoices/<invoice_id>", summary="Delete an invoice")
def invoice_delete(invoice_id: int) -> Done:
    caller()
    invoices.delete(invoice_id)
    return Done(message="Invoice deleted")


lambda_handler = http_entrypoint(app)
