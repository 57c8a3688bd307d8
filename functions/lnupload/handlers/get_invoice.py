"""GET /getInvoice: a new Lightning invoice to pay before uploading."""

from lnupload import invoices
from lnupload.api import app
from lnupload.schemas import InvoiceCreated
from shared.observability import http_entrypoint


@app.get("/getInvoice", summary="Create a Lightning invoice")
def get_invoice() -> InvoiceCreated:
    return invoices.create_invoice()


lambda_handler = http_entrypoint(app)
