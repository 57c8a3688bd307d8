"""Cookies of HTTP API events: read from `event.cookies`, written through Powertools' Cookie."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from aws_lambda_powertools.shared.cookies import Cookie, SameSite


def read_cookies(cookies: Iterable[str] | None) -> dict[str, str]:
    jar: dict[str, str] = {}
    for cookie in cookies or []:
        name, _, value = cookie.partition("=")
        if name.strip() and name.strip() not in jar:
            jar[name.strip()] = value.strip()
    return jar


def session_cookie(name: str, value: str, max_age: int, *, secure: bool) -> Cookie:
    """HttpOnly always; over HTTPS Secure + SameSite=None (cross-site with credentials), else Lax for local http."""
    return Cookie(
        name=name,
        value=value,
        path="/",
        max_age=max_age,
        http_only=True,
        secure=secure,
        same_site=SameSite.NONE_MODE if secure else SameSite.LAX_MODE,
    )


def expired_cookie(name: str, *, secure: bool) -> Cookie:
    return Cookie(
        name=name,
        value="",
        path="/",
        max_age=0,
        expires=datetime(1970, 1, 1, tzinfo=UTC),
        http_only=True,
        secure=secure,
        same_site=SameSite.NONE_MODE if secure else SameSite.LAX_MODE,
    )
