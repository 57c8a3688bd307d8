"""The caller of a bearer-protected endpoint, from its access token (a JWT issued at login by `accounts`).

Apart from accounts so the functions that only read the caller load neither argon2 nor email_validator.
"""

from __future__ import annotations

from pynamodb.exceptions import PynamoDBException

from cinq.errors import ServiceUnavailable, Unauthorized
from cinq.models import User
from cinq.settings import settings
from shared import jwt_tokens
from shared.secrets import get_secret

ISSUER = "cinq"


def authenticate(authorization: str | None) -> User:
    """The caller of a bearer-protected endpoint: missing, malformed, expired or forged tokens are 401."""
    try:
        user_id = jwt_tokens.subject(get_secret(settings().jwt_secret_secret), jwt_tokens.bearer(authorization), ISSUER)
        return User.get_profile(user_id)
    except (jwt_tokens.InvalidToken, User.DoesNotExist):
        raise Unauthorized() from None
    except PynamoDBException:
        raise ServiceUnavailable() from None
