"""POST /api/v1/invoices: a new invoice (400 "Invoice not created", with `errors`, for any invalid field)."""

from invoice_api import invoices
from invoice_api.api import app, caller
from invoice_api.schemas import InvoiceFields, InvoiceSaved
from shared.observability import http_entrypoint


@app.post("/api/v1/invoices", summary="Create an invoice")
def invoice_create(body: InvoiceFields) -> InvoiceSaved:
    caller()
    return InvoiceSaved(message="Invoice created", data=invoices.create(body))


lambda_handler = http_entrypoint(app)
