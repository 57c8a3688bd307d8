"""lnupload's request and response bodies; their descriptions become the OpenAPI document."""

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field


class PaymentHashBody(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    payment_hash: str = Field(
        alias="payment-hash",
        description="The payment_hash returned by getInvoice (64 hexadecimal characters).",
    )


class InvoiceCreated(BaseModel):
    success: bool = True
    message: str = "Invoice generated successfully."
    payment_hash: str = Field(description="Keep it: it identifies the invoice in the next calls.")
    payment_request: str = Field(description="The BOLT11 invoice to show to the user for payment.")
    date: str = Field(description="Creation time, ISO 8601 UTC with milliseconds, e.g. 2023-01-15T09:24:12.654Z.")


class UploadForm(BaseModel):
    url: str = Field(
        description="POST a multipart form here: every field of `fields` as given, a `Content-Type` field with "
        "the file's type (it also gives the published file its extension), then the `file` field last."
    )
    fields: dict[str, str] = Field(description="Bound to this invoice's one upload key; do not change them.")
    maxBytes: int = Field(description="Largest file the form accepts.")
    expiresAt: datetime


class InvoicePaid(BaseModel):
    success: bool = True
    upload: UploadForm | None = Field(
        default=None,
        description="For files too large for checkUploadedFile: upload straight to storage with this form, "
        "then call checkUploadedFile with the payment-hash header and no file. Null once the invoice's file "
        "is uploaded.",
    )


class FileUploaded(BaseModel):
    success: bool = True
    message: str = "File uploaded"
    url: str = Field(description="Public address of the uploaded file.")


class Failure(BaseModel):
    success: bool = False
    message: str = Field(description="Can be shown to the user as it is.")
