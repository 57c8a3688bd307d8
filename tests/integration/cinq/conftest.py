"""cinq handlers on moto, called with the events/ files, the way API Gateway would."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from cinq.settings import settings
from tests.integration import conftest as integration
from tests.integration.conftest import fresh_ip, use_function_environment
from tools.local.local_values import LOCAL_SECRETS
from tools.local.template import Template

ADMIN_KEY = LOCAL_SECRETS["CinqAdminApiKeySecret"]
PASSWORD = "SecurePass123"


@pytest.fixture
def cinq(monkeypatch: pytest.MonkeyPatch, template: Template, aws_mock: None) -> None:
    use_function_environment(monkeypatch, template, "CinqWaitlistCountFunction")
    settings.cache_clear()
    yield
    settings.cache_clear()


class Client(integration.Client):
    """One caller: its own source IP (per-IP limits stay per test) and, once logged in, its token."""

    api = "cinq"

    def __init__(self) -> None:
        super().__init__(source_ip=fresh_ip())
        self.user: dict[str, Any] = {}


def new_code(amount_cents: int = 1500, **extra: Any) -> str:
    answer = Client().call("gift_create", {"amount_cents": amount_cents, **extra}, headers={"x-api-key": ADMIN_KEY})
    assert answer.status == 201, answer.json
    return str(answer.json["code"])


def member(email: str | None = None) -> Client:
    """A registered, logged-in user."""
    client = Client()
    email = email or f"member-{uuid.uuid4().hex[:10]}@example.com"
    registered = client.call("auth_register", {"email": email, "password": PASSWORD, "giftCode": new_code()})
    assert registered.status == 201, registered.json
    login = client.call("auth_login", {"email": email, "password": PASSWORD})
    assert login.status == 200, login.json
    client.token = login.json["session"]["access_token"]
    client.user = login.json["user"]
    return client
