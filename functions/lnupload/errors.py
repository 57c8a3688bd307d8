"""lnupload's failures. The spec answers every one with HTTP 200 and a message users can read."""

from shared.errors import DomainError, InternalError


class LnuploadError(DomainError):
    status = 200


class InvalidRequest(LnuploadError):
    code = "INVALID_REQUEST"
    message = 'Invalid request: send a JSON body like {"payment-hash": "<payment_hash from getInvoice>"}.'


class MissingPaymentHash(LnuploadError):
    code = "MISSING_PAYMENT_HASH"
    message = "Missing payment hash: send the payment_hash returned by getInvoice."


class InvalidPaymentHash(LnuploadError):
    code = "INVALID_PAYMENT_HASH"
    message = "Invalid payment hash: it is the 64 hexadecimal characters returned by getInvoice."


class UnknownInvoice(LnuploadError):
    code = "UNKNOWN_INVOICE"
    message = "Unknown invoice: request one with getInvoice first."


class InvoiceNotPaid(LnuploadError):
    code = "INVOICE_NOT_PAID"
    message = "Invoice not paid yet."


class InvoiceExpired(LnuploadError):
    code = "INVOICE_EXPIRED"
    message = "This invoice has expired without being paid: request a new one with getInvoice."


class AlreadyUploaded(LnuploadError):
    code = "ALREADY_UPLOADED"
    message = "A file has already been uploaded for this invoice: one payment allows one upload."


class NoFile(LnuploadError):
    code = "NO_FILE"
    message = "No file received: send it as the multipart form field 'data'."


class EmptyFile(LnuploadError):
    code = "EMPTY_FILE"
    message = "The file is empty."


class FileTooLarge(LnuploadError):
    code = "FILE_TOO_LARGE"
    message = "File too large for a direct upload: use the upload form returned by getSignedUrl."


class FormFileTooLarge(LnuploadError):
    code = "FILE_TOO_LARGE"
    message = "The file sent through the upload form is larger than it allows: it was discarded."


class PaymentBackendUnavailable(LnuploadError):
    code = "PAYMENT_BACKEND_UNAVAILABLE"
    message = "The Lightning payment service is unavailable, please try again in a moment."


class ServiceUnavailable(LnuploadError):
    """Storage, the database or secrets failed or were too slow (HTTP 200 like every lnupload answer)."""

    code = "SERVICE_UNAVAILABLE"
    message = "The service is temporarily unavailable, please try again in a moment."


class NotFound(LnuploadError):
    code = "NOT_FOUND"
    message = "Unknown endpoint: use GET /getInvoice, POST /getSignedUrl or POST /checkUploadedFile."


class Unexpected(LnuploadError):
    code = InternalError.code
    message = "Something went wrong on our side, please try again."
