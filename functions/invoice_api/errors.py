"""invoice_api's failures: `{"message", "status", "data": []}` with the status, plus `errors` naming refused fields."""

from shared.errors import RETRY_AFTER_SECONDS, DomainError


class InvoiceApiError(DomainError):
    pass


class NotAuthorized(InvoiceApiError):
    code, status, message = "NOT_AUTHORIZED", 403, "Not Authorized"


class TooManyAttempts(InvoiceApiError):
    """Laravel's throttle answer; `Retry-After` says when to try again."""

    code, status, message = "TOO_MANY_ATTEMPTS", 429, "Too Many Attempts."


class Unauthenticated(InvoiceApiError):
    code, status, message = "UNAUTHENTICATED", 401, "Unauthenticated."


class UserNotFound(InvoiceApiError):
    code, status, message = "USER_NOT_FOUND", 404, "User not found"


class InvoiceNotFound(InvoiceApiError):
    code, status, message = "INVOICE_NOT_FOUND", 404, "Invoice not found"


class InvalidFilter(InvoiceApiError):
    code, status, message = "INVALID_FILTER", 400, "Invalid filter"


class InvoiceNotCreated(InvoiceApiError):
    code, status, message = "INVOICE_NOT_CREATED", 400, "Invoice not created"


class InvoiceNotUpdated(InvoiceApiError):
    code, status, message = "INVOICE_NOT_UPDATED", 400, "Invoice not updated"


class InvoiceNotDeleted(InvoiceApiError):
    code, status, message = "INVOICE_NOT_DELETED", 400, "Invoice not deleted"


class BadRequest(InvoiceApiError):
    code, status, message = "BAD_REQUEST", 400, "Bad Request"


class NotFound(InvoiceApiError):
    code, status, message = "NOT_FOUND", 404, "Not Found"


class MethodNotAllowed(InvoiceApiError):
    code, status, message = "METHOD_NOT_ALLOWED", 405, "Method Not Allowed"


class ServiceUnavailable(InvoiceApiError):
    """The database failed or was too slow (Laravel's 503 text): try again after Retry-After seconds."""

    code, status, message = "SERVICE_UNAVAILABLE", 503, "Service Unavailable"
    retry_after = RETRY_AFTER_SECONDS


class InternalError(InvoiceApiError):
    code, status, message = "INTERNAL_ERROR", 500, "Server Error"
