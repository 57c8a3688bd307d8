"""filestore's failures: `{"message": ...}` with the spec's French texts (sign-up answers a field map)."""

from shared.errors import RETRY_AFTER_SECONDS, DomainError


class FilestoreError(DomainError):
    pass


class SignUpRefused(FilestoreError):
    """Carries the documented field -> message map (an empty string for each correct field)."""

    code, status, message = "SIGN_UP_REFUSED", 400, "Inscription refusée"

    def __init__(self, fields: dict[str, str]) -> None:
        super().__init__(fields=fields)


class BadCredentials(FilestoreError):
    code, status, message = "BAD_CREDENTIALS", 400, "Nom d'utilisateur ou mot de passe incorrect."


class TooManyAttempts(FilestoreError):
    """Login throttled; `Retry-After` says when to try again."""

    code, status = "TOO_MANY_ATTEMPTS", 429
    message = "Trop de tentatives de connexion. Veuillez réessayer plus tard."


class AuthenticationRequired(FilestoreError):
    code, status, message = (
        "AUTHENTICATION_REQUIRED",
        401,
        "Une authentification est requise pour effectuer cette action.",
    )


class BadUploadTarget(FilestoreError):
    code, status, message = "BAD_UPLOAD_TARGET", 400, "Le fichier n'existe pas ou le chemin est incorrect."


class InvalidUploadToken(FilestoreError):
    code, status, message = "INVALID_UPLOAD_TOKEN", 400, "Jeton de téléversement invalide"


class BadDownloadTarget(FilestoreError):
    code, status, message = "BAD_DOWNLOAD_TARGET", 400, "Le fichier n'existe pas ou le répertoire est incorrect."


class InvalidDownloadToken(FilestoreError):
    code, status, message = "INVALID_DOWNLOAD_TOKEN", 400, "Jeton de téléchargement invalide"


class BadDeleteTarget(FilestoreError):
    code, status, message = "BAD_DELETE_TARGET", 400, "Le fichier n'existe pas ou le chemin d'accès est incorrect."


class BadFolder(FilestoreError):
    code, status, message = "BAD_FOLDER", 400, "Le répertoire n'existe pas ou le chemin d'accès est incorrect."


class NoFile(FilestoreError):
    code, status, message = (
        "NO_FILE",
        400,
        "Aucun fichier reçu : envoyez-le dans le champ multipart « file » ou comme corps, "
        "ou d'abord par le formulaire « upload » de la demande.",
    )


class FormUploadRefused(FilestoreError):
    code, status = "FORM_UPLOAD_REFUSED", 400
    message = "Le fichier envoyé par le formulaire « upload » ne correspond pas à ce qu'il autorise : il a été écarté."


class FileTooLarge(FilestoreError):
    code, status = "FILE_TOO_LARGE", 400
    message = "Fichier trop volumineux pour un envoi direct : utilisez le formulaire « upload » de la demande."


class InvalidRequest(FilestoreError):
    code, status, message = "INVALID_REQUEST", 400, "Requête invalide."


class NotFound(FilestoreError):
    code, status, message = "NOT_FOUND", 404, "Ressource introuvable."


class ServiceUnavailable(FilestoreError):
    """Storage or the database failed or was too slow: try again after Retry-After seconds."""

    code, status = "SERVICE_UNAVAILABLE", 503
    message = "Service temporairement indisponible. Veuillez réessayer dans quelques instants."
    retry_after = RETRY_AFTER_SECONDS


class InternalError(FilestoreError):
    code, status, message = "INTERNAL_ERROR", 500, "Erreur interne du serveur."
