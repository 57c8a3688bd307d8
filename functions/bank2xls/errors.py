"""bank2xls's failures: the spec's error table, `{"error": {"code", "message"}}` with its HTTP status."""

from shared.errors import RETRY_AFTER_SECONDS, DomainError


class Bank2xlsError(DomainError):
    pass


class InvalidRequest(Bank2xlsError):
    code, status, message = "INVALID_REQUEST", 400, "Requête invalide"


class InvalidEmail(Bank2xlsError):
    code, status, message = "INVALID_EMAIL", 400, "Adresse email invalide"


class OtpInvalid(Bank2xlsError):
    code, status, message = "OTP_INVALID", 400, "Code OTP invalide"


class OtpExpired(Bank2xlsError):
    code, status, message = "OTP_EXPIRED", 400, "Code OTP expiré"


class OtpConsumed(Bank2xlsError):
    code, status, message = "OTP_CONSUMED", 400, "Code OTP déjà utilisé"


class OtpRateLimited(Bank2xlsError):
    code, status = "OTP_RATE_LIMITED", 429
    message = "Trop de tentatives. Veuillez patienter avant de redemander un code"


class DailyQuotaExceeded(Bank2xlsError):
    code, status, message = "DAILY_QUOTA_EXCEEDED", 402, "Quota quotidien gratuit dépassé"


class InsufficientFunds(Bank2xlsError):
    code, status, message = "INSUFFICIENT_FUNDS", 402, "Crédits insuffisants"


class IdempotencyConflict(Bank2xlsError):
    code, status = "IDEMPOTENCY_CONFLICT", 409
    message = "Ce requestId a déjà été utilisé pour une autre requête"


class IdempotencyInFlight(IdempotencyConflict):
    """A request with this requestId is being debited right now; retrying later replays its answer."""

    message = "Une requête avec ce requestId est en cours : réessayez dans un instant"


class PlanUnknown(Bank2xlsError):
    code, status, message = "PLAN_UNKNOWN", 400, "Plan inconnu"


class AlreadySubscribed(Bank2xlsError):
    code, status = "ALREADY_SUBSCRIBED", 409
    message = "Un abonnement est déjà actif : gérez-le depuis le portail de facturation"


class StripeError(Bank2xlsError):
    code, status, message = "STRIPE_ERROR", 502, "Erreur de paiement"


class ServiceUnavailable(Bank2xlsError):
    """The database, mail or secrets failed or were too slow: try again after Retry-After seconds."""

    code, status = "SERVICE_UNAVAILABLE", 503
    message = "Service temporairement indisponible : réessayez dans quelques secondes"
    retry_after = RETRY_AFTER_SECONDS


class InvalidSignature(Bank2xlsError):
    code, status, message = "INVALID_SIGNATURE", 400, "Signature du webhook invalide"


class NotFound(Bank2xlsError):
    code, status, message = "NOT_FOUND", 404, "Ressource non trouvée"


class Forbidden(Bank2xlsError):
    code, status, message = "FORBIDDEN", 401, "Accès refusé"


class InternalError(Bank2xlsError):
    code, status, message = "INTERNAL_ERROR", 500, "Erreur interne"
