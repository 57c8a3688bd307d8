"""POST /checkUploadedFile: store the one file a paid invoice allows."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import File, Header, UploadFile

from lnupload import invoices, uploads
from lnupload.api import app
from lnupload.schemas import FileUploaded
from shared.observability import http_entrypoint

PaymentHash = Annotated[str | None, Header(description="The payment_hash returned by getInvoice.")]
Data = Annotated[
    UploadFile | None,
    File(description="The file. Leave it out once a large file went through getSignedUrl's upload form."),
]


@app.post("/checkUploadedFile", summary="Upload the file an invoice paid for")
def check_uploaded_file(payment_hash: PaymentHash = None, data: Data = None) -> FileUploaded:
    checked_hash = invoices.parse_payment_hash(payment_hash)
    if data is None:
        return uploads.finalize_presigned_upload(checked_hash)
    return uploads.store_file(checked_hash, data.content, data.filename, data.content_type)


lambda_handler = http_entrypoint(app)
