"""Random secrets handed to clients (session tokens, codes) and how they are stored: hashed.

Tokens carry 256 bits, so a plain SHA-256 is enough to store them; short codes
(a 6-digit OTP) are keyed with a secret pepper (HMAC) so a leaked table cannot be
brute-forced offline. Comparisons are constant-time.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets


def new_token(nbytes: int = 32) -> str:
    return secrets.token_urlsafe(nbytes)


def new_digits(length: int = 6) -> str:
    return "".join(secrets.choice("0123456789") for _ in range(length))


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def keyed_hash(pepper: str, *parts: str) -> str:
    return hmac.new(pepper.encode(), "\x1f".join(parts).encode(), hashlib.sha256).hexdigest()


def same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())
