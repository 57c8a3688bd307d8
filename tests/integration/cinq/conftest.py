"""cinq handlers on moto, called with the events/ files, the way API Gateway would."""

from __future__ import annotations

import importlib
import json
import secrets
import uuid
from typing import Any

import pytest

from cinq.settings import settings
from tests.events import load_event, with_body
from tests.integration.conftest import use_function_environment
from tools.local.local_values import LOCAL_SECRETS
from tools.local.template import Template
from tools.local.worker import LambdaContext

ADMIN_KEY = LOCAL_SECRETS["CinqAdminApiKeySecret"]
PASSWORD = "SecurePass123"


@pytest.fixture
def cinq(monkeypatch: pytest.MonkeyPatch, template: Template, aws_mock: None) -> None:
    use_function_environment(monkeypatch, template, "CinqWaitlistCountFunction")
    settings.cache_clear()
    yield
    settings.cache_clear()


class Answer:
    def __init__(self, result: dict[str, Any]) -> None:
        self.status = result["statusCode"]
        self.headers = {k.lower(): v for k, v in (result.get("headers") or {}).items()}
        self.json = json.loads(result.get("body") or "null")


class Client:
    """One caller: its own source IP (per-IP limits stay per test) and, once logged in, its token."""

    def __init__(self) -> None:
        self.source_ip = f"198.19.{secrets.randbelow(256)}.{secrets.randbelow(256)}"
        self.token: str | None = None
        self.user: dict[str, Any] = {}

    def call(
        self,
        name: str,
        body: Any = None,
        *,
        query: dict[str, str] | None = None,
        path: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
        raw: str | None = None,
        drop_headers: tuple[str, ...] = (),
    ) -> Answer:
        event = load_event("cinq", name)
        event["requestContext"]["http"]["sourceIp"] = self.source_ip
        event["headers"].pop("authorization", None)
        if self.token:
            event["headers"]["authorization"] = f"Bearer {self.token}"
        event["headers"].update(headers or {})
        for header in drop_headers:
            event["headers"].pop(header, None)
        if raw is not None or body is not None:
            with_body(event, raw if raw is not None else json.dumps(body), "application/json")
        if query is not None:
            event["queryStringParameters"] = query
            event["rawQueryString"] = "&".join(f"{k}={v}" for k, v in query.items())
        if path is not None:
            event["pathParameters"] = path
            event["rawPath"] = event["requestContext"]["http"]["path"] = "/api/gift-verify/" + path["code"]
        module = importlib.import_module(f"cinq.handlers.{name}")
        return Answer(module.lambda_handler(event, LambdaContext(name, 512, 15, "test")))


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
