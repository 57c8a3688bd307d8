"""Service authentication for gift creation: the admin token (Bearer) or API key (X-API-Key)."""

from __future__ import annotations

from cinq.errors import Unauthorized
from cinq.settings import settings
from shared.secrets import get_secret
from shared.tokens import same


def require_service(authorization: str | None, api_key: str | None) -> None:
    expected = get_secret(settings().admin_api_key_secret)
    scheme, _, token = (authorization or "").partition(" ")
    presented = token.strip() if scheme.lower() == "bearer" else (api_key or "").strip()
    if not presented or not same(presented, expected):
        raise Unauthorized()
