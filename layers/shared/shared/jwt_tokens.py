"""Short-lived access tokens: JWT signed with HS256 and a secret from Secrets Manager."""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from typing import Any

import jwt

ALGORITHM = "HS256"


class InvalidToken(Exception):
    """Missing, malformed, expired, or not signed by us."""


@dataclass(frozen=True)
class IssuedToken:
    token: str
    expires_at: int
    expires_in: int


def issue(secret: str, subject: str, lifetime_seconds: int, issuer: str, **claims: Any) -> IssuedToken:
    now = int(time.time())
    payload = {
        "sub": subject,
        "iss": issuer,
        "aud": "authenticated",
        "iat": now,
        "exp": now + lifetime_seconds,
        "jti": secrets.token_hex(8),
        **claims,
    }
    return IssuedToken(jwt.encode(payload, secret, algorithm=ALGORITHM), now + lifetime_seconds, lifetime_seconds)


def subject(secret: str, token: str, issuer: str) -> str:
    try:
        claims = jwt.decode(
            token,
            secret,
            algorithms=[ALGORITHM],
            audience="authenticated",
            issuer=issuer,
            options={"require": ["exp", "iat", "sub"]},
        )
    except jwt.PyJWTError as exc:
        raise InvalidToken(type(exc).__name__) from None
    return str(claims["sub"])


def bearer(authorization: str | None) -> str:
    """The token of an `Authorization: Bearer <token>` header."""
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise InvalidToken("no bearer token")
    return token.strip()
