"""cinq's failures: `{"success": false, "error": <message>, "code": <code>}` with the documented status."""

from shared.errors import RETRY_AFTER_SECONDS, DomainError


class CinqError(DomainError):
    pass


class InvalidRequest(CinqError):
    code, status, message = "INVALID_REQUEST", 400, "Invalid request parameters"


class InvalidContactId(InvalidRequest):
    message = "Invalid contact_id (a user id: a UUID)"


class InvalidEmail(CinqError):
    code, status, message = "INVALID_EMAIL", 400, "Invalid email address"


class WeakPassword(CinqError):
    code, status = "WEAK_PASSWORD", 400
    message = "Password must be at least 8 characters with at least one letter and one digit"


class AlreadyRegistered(CinqError):
    code, status, message = "already_registered", 409, "Email already registered"


class EmailTaken(CinqError):
    code, status, message = "EMAIL_TAKEN", 409, "An account already exists with this email"


class Unauthorized(CinqError):
    code, status, message = "UNAUTHORIZED", 401, "Authentication required"


class BadCredentials(CinqError):
    code, status, message = "INVALID_CREDENTIALS", 401, "Invalid email or password"


class RateLimited(CinqError):
    code, status, message = "RATE_LIMITED", 429, "Too many attempts. Please try again later."


class InvalidCodeFormat(CinqError):
    code, status, message = "INVALID_CODE_FORMAT", 400, "Invalid gift code format (expected CINQ-XXXX-XXXX-XXXX)"


class CodeNotFound(CinqError):
    code, status, message = "CODE_NOT_FOUND", 404, "Gift code not found"


class UnknownGiftCode(CodeNotFound):
    """auth-register's unknown code: that endpoint documents 400 ("code cadeau invalide"), not 404."""

    status = 400


class CodeRedeemed(CinqError):
    code, status, message = "CODE_ALREADY_REDEEMED", 400, "Gift code has already been redeemed"


class CodeExpired(CinqError):
    code, status, message = "CODE_EXPIRED", 400, "Gift code has expired"


class CodeRevoked(CinqError):
    code, status, message = "CODE_REVOKED", 400, "Gift code has been revoked"


class RedemptionRace(CinqError):
    code, status, message = "REDEMPTION_CONFLICT", 409, "Gift code is being redeemed by another request"


class SelfAdd(CinqError):
    code, status, message = "SELF_ADD", 400, "Tu ne peux pas t'ajouter toi-même"


class LimitReached(CinqError):
    code, status, message = "LIMIT_REACHED", 400, "5 contacts max"


class UserNotFound(CinqError):
    code, status, message = "USER_NOT_FOUND", 404, "Utilisateur pas sur Cinq"


class AlreadyContact(CinqError):
    code, status, message = "ALREADY_CONTACT", 409, "Déjà dans ton cercle"


class ContactNotFound(CinqError):
    code, status, message = "CONTACT_NOT_FOUND", 404, "Contact not found"


class NotInCircle(CinqError):
    code, status, message = "NOT_IN_CIRCLE", 403, "Contact pas dans ton cercle"


class ServiceUnavailable(CinqError):
    """The database, mail or secrets failed or were too slow: try again after Retry-After seconds."""

    code, status, message = "SERVICE_UNAVAILABLE", 503, "Service temporarily unavailable"
    retry_after = RETRY_AFTER_SECONDS


class MessagingUnavailable(ServiceUnavailable):
    message = "Messaging non disponible"


class InvalidSignature(CinqError):
    code, status, message = "INVALID_SIGNATURE", 401, "Invalid signature"


class InvoiceNotSettled(CinqError):
    code, status, message = "INVOICE_NOT_SETTLED", 400, "Invoice is not settled"


class PaymentProviderError(CinqError):
    code, status, message = "PAYMENT_PROVIDER_ERROR", 502, "Payment provider unavailable"


class NotFound(CinqError):
    code, status, message = "NOT_FOUND", 404, "Not found"


class MethodNotAllowed(CinqError):
    code, status, message = "METHOD_NOT_ALLOWED", 405, "Method not allowed"


class InternalError(CinqError):
    code, status, message = "INTERNAL_ERROR", 500, "Internal server error"
