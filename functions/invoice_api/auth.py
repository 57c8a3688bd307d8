"""Personal access tokens like Laravel Sanctum's: `<id>|<40 random characters>` to the client, SHA-256 here.

Login answers the same refusal for an unknown address and a wrong password, after the same argon2 work,
and is throttled like Laravel's login (`shared.throttle.login_counters`: 5 failures a minute for one
account from one address, 10 in 15 minutes for one account, 50 an hour from one address), then 429.
A token works until it expires or its owner logs out with it (the record is deleted; reads are
consistent, so a revoked token fails at once everywhere).
"""

from __future__ import annotations

import re
import secrets
import string
from datetime import UTC, datetime, timedelta

from invoice_api import ids
from invoice_api.errors import NotAuthorized, TooManyAttempts, Unauthenticated
from invoice_api.models import AccessToken, Login
from invoice_api.settings import settings
from shared import throttle
from shared.passwords import upgrade_stored_hash, verify_password
from shared.tokens import same, token_hash

SECRET_LENGTH = 40
_ALPHABET = string.ascii_letters + string.digits
_BEARER = re.compile(r"Bearer\s+(\d{1,15})\|([A-Za-z0-9]{40})\s*", re.IGNORECASE)  # SECRET_LENGTH


def login(email: str, password: str, source_ip: str) -> str:
    """A new token for these credentials, NotAuthorized (403) whichever of the two is wrong, or TooManyAttempts."""
    counters = throttle.login_counters(Login.key(email)[0], source_ip)
    try:
        return throttle.guarded(
            settings().table_name, counters, lambda: _check(email, password), failures=(NotAuthorized,)
        )
    except throttle.Throttled as refused:
        raise TooManyAttempts(headers={"Retry-After": str(refused.retry_after)}) from None


def _check(email: str, password: str) -> str:
    try:
        credentials: Login | None = Login.get(*Login.key(email), consistent_read=True)
    except Login.DoesNotExist:
        credentials = None
    # One argon2 verification whether or not the account exists: no user enumeration by timing.
    if not verify_password(credentials.password_hash if credentials else None, password) or credentials is None:
        raise NotAuthorized()
    upgrade_stored_hash(credentials, password)
    return issue(int(credentials.user_id))


def issue(user_id: int) -> str:
    token_id = ids.next_id("token")
    secret = "".join(secrets.choice(_ALPHABET) for _ in range(SECRET_LENGTH))
    now = datetime.now(UTC).replace(microsecond=0)
    valid_until = now + timedelta(seconds=settings().token_ttl_seconds)
    AccessToken(
        *AccessToken.key(token_id),
        user_id=user_id,
        token_hash=token_hash(secret),
        created_at=now,
        valid_until=valid_until,
        expires_at=valid_until,
    ).save()
    return f"{token_id}|{secret}"


def authenticate(authorization: str | None) -> AccessToken:
    """The token an `Authorization: Bearer <id>|<secret>` header presents; Unauthenticated (401) otherwise."""
    presented = _BEARER.fullmatch(authorization or "")
    if presented is None:
        raise Unauthenticated()
    token_id, secret = presented.groups()
    try:
        token = AccessToken.get(*AccessToken.key(int(token_id)), consistent_read=True)
    except AccessToken.DoesNotExist:
        raise Unauthenticated() from None
    if not same(token.token_hash, token_hash(secret)) or token.valid_until <= datetime.now(UTC):
        raise Unauthenticated()
    return token


def revoke(token: AccessToken) -> None:
    token.delete()
