"""POST /getSignedUrl: has the invoice been paid? If so, also a form for large uploads."""

from lnupload import invoices, uploads
from lnupload.api import app
from lnupload.schemas import InvoicePaid, PaymentHashBody
from shared.observability import http_entrypoint


@app.post("/getSignedUrl", summary="Check that an invoice is paid")
def get_signed_url(body: PaymentHashBody) -> InvoicePaid:
    payment_hash = invoices.parse_payment_hash(body.payment_hash)
    return InvoicePaid(upload=uploads.upload_form(invoices.paid_invoice(payment_hash)))


lambda_handler = http_entrypoint(app)
