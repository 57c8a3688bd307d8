"""bank2xls handlers on moto: a Browser keeps the cookies the API sets, like a real one."""

from __future__ import annotations

import importlib
import json
import re
import secrets
from typing import Any

import pytest
from moto.core import DEFAULT_ACCOUNT_ID
from moto.ses.models import ses_backends

from bank2xls.settings import settings
from tests.events import load_event, with_body
from tests.integration.conftest import use_function_environment
from tools.local.stripe_fake import StripeFake
from tools.local.template import Template
from tools.local.worker import LambdaContext


@pytest.fixture
def bank2xls(monkeypatch: pytest.MonkeyPatch, template: Template, aws_mock: None, stripe_fake: StripeFake) -> None:
    use_function_environment(
        monkeypatch, template, "Bank2xlsHealthFunction", SECURE_COOKIES="false", STRIPE_API_BASE=stripe_fake.base_url
    )
    settings.cache_clear()
    for plan in settings().plans.values():
        stripe_fake.ensure_price(plan.lookup_key, plan.amount, plan.currency, "month", plan.name)
    yield
    settings.cache_clear()


class Answer:
    def __init__(self, result: dict[str, Any]) -> None:
        self.status = result["statusCode"]
        self.headers = {k.lower(): v for k, v in (result.get("headers") or {}).items()}
        self.cookies: list[str] = result.get("cookies") or []
        body = result.get("body") or ""
        self.json = json.loads(body) if self.headers.get("content-type", "").startswith("application/json") else None
        self.text = body


class Browser:
    """Calls handlers with the events/ files and the cookies previous answers set."""

    def __init__(self, source_ip: str | None = None) -> None:
        self.jar: dict[str, str] = {}
        # Each browser its own address, so per-IP limits of one test never touch another.
        self.source_ip = source_ip or f"198.18.{secrets.randbelow(256)}.{secrets.randbelow(256)}"

    def call(
        self,
        name: str,
        body: Any = None,
        *,
        query: str | None = None,
        headers: dict | None = None,
        drop_headers: list[str] | None = None,
    ) -> Answer:
        event = load_event("bank2xls", name)
        for header in drop_headers or []:
            event["headers"].pop(header, None)
        event["cookies"] = [f"{key}={value}" for key, value in self.jar.items()]
        event["requestContext"]["http"]["sourceIp"] = self.source_ip
        event["headers"].update(headers or {})
        if body is not None:
            with_body(event, body if isinstance(body, str) else json.dumps(body), "application/json")
        if query is not None:
            event["rawQueryString"] = query
            event["queryStringParameters"] = dict(part.split("=", 1) for part in query.split("&") if part)
        module = importlib.import_module(f"bank2xls.handlers.{name}")
        answer = Answer(module.lambda_handler(event, LambdaContext(name, 512, 15, "test")))
        for cookie in answer.cookies:
            key, _, rest = cookie.partition("=")
            value = rest.split(";", 1)[0]
            if "Max-Age=0" in cookie:
                self.jar.pop(key, None)
            else:
                self.jar[key] = value
        return answer

    def sign_in(self, email: str) -> Answer:
        assert self.call("otp_request", {"email": email}).status == 200
        return self.call("otp_verify", {"email": email, "otp": last_code(email)})


def last_code(email: str) -> str:
    sent = ses_backends[DEFAULT_ACCOUNT_ID]["us-east-1"].sent_messages
    mine = [message for message in sent if email in message.destinations["ToAddresses"]]
    return re.search(r"\b(\d{6})\b", mine[-1].subject).group(1)


@pytest.fixture
def browser(bank2xls: None) -> Browser:
    return Browser()
