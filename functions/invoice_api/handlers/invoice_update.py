"""PUT /api/v1/invoices/{invoice_id} replaces every field; PATCH changes the given ones. One function, two routes."""

from invoice_api import invoices
from invoice_api.api import app, caller
from invoice_api.schemas import InvoiceChanges, InvoiceFields, InvoiceSaved
from shared.observability import http_entrypoint


@app.put("/api/v1/invoices/<invoice_id>", summary="Replace an invoice")
def invoice_replace(invoice_id: int, body: InvoiceFields) -> InvoiceSaved:
    caller()
    return InvoiceSaved(message="Invoice updated", data=invoices.replace(invoice_id, body))


@app.patch("/api/v1/invoices/<invoice_id>", summary="Change some fields of an invoice")
def invoice_patch(invoice_id: int, body: InvoiceChanges) -> InvoiceSaved:
    caller()
    return InvoiceSaved(message="Invoice updated", data=invoices.change(invoice_id, body))


lambda_handler = http_entrypoint(app)
