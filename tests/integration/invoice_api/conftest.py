"""invoice_api handlers on moto, called with the events/ files, the way API Gateway would.

Each test module gets its own table (the template's definition, a fresh name) with the demo data, so
filters and pagination see exactly the invoices a test wrote.
"""

from __future__ import annotations

import importlib
import json
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from invoice_api.settings import settings
from shared import aws
from tests.events import load_event, with_body
from tests.integration.conftest import use_function_environment
from tools.local.template import Template
from tools.local.worker import LambdaContext
from tools.seed import DEMO_PASSWORD, seed_invoice_api

ONE = "example.one@example.com"


class Answer:
    def __init__(self, result: dict[str, Any]) -> None:
        self.status = result["statusCode"]
        self.headers = {k.lower(): v for k, v in (result.get("headers") or {}).items()}
        self.text = result.get("body") or ""
        self.json = json.loads(self.text or "null")


class Client:
    """One caller; once logged in, its bearer token goes with every call. `source_ip`: the event's unless given."""

    def __init__(self, token: str | None = None, source_ip: str | None = None) -> None:
        self.token = token
        self.source_ip = source_ip

    def call(
        self,
        name: str,
        body: Any = None,
        *,
        raw: str | None = None,
        query: dict[str, str] | None = None,
        path: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
    ) -> Answer:
        event = load_event("invoice_api", name)
        if self.source_ip:
            event["requestContext"]["http"]["sourceIp"] = self.source_ip
        event["headers"].pop("authorization", None)
        if self.token:
            event["headers"]["authorization"] = f"Bearer {self.token}"
        event["headers"].update(headers or {})
        if raw is not None or body is not None:
            content_type = event["headers"].get("content-type", "application/json")
            with_body(event, raw if raw is not None else json.dumps(body), content_type)
        if query is not None:
            event["queryStringParameters"] = query
            event["rawQueryString"] = "&".join(f"{k}={v}" for k, v in query.items())
            if not query:
                del event["queryStringParameters"]
        if path is not None:
            event["pathParameters"] = path
            resource = event["rawPath"].rsplit("/", 1)[0]
            event["rawPath"] = event["requestContext"]["http"]["path"] = f"{resource}/{next(iter(path.values()))}"
        module = importlib.import_module(f"invoice_api.handlers.{_module(name)}")
        return Answer(module.lambda_handler(event, LambdaContext(name, 512, 15, "test")))

    def login(self, email: str = ONE, password: str = DEMO_PASSWORD) -> Client:
        answer = self.call("login", {"email": email, "password": password})
        assert answer.status == 200, answer.json
        self.token = answer.json["data"]["token"]
        return self


def _module(event_name: str) -> str:
    return "invoice_update" if event_name == "invoice_update_patch" else event_name


@pytest.fixture(scope="module")
def invoice_table(template: Template, aws_mock: None) -> Iterator[str]:
    """A fresh table like the template's InvoiceApiTable, with the demo users and invoices."""
    patch = pytest.MonkeyPatch()
    name = f"InvoiceApiTable-{uuid.uuid4().hex[:8]}"
    spec = {k: v for k, v in template.tables["InvoiceApiTable"].items() if k != "TimeToLiveSpecification"}
    aws.client("dynamodb").create_table(TableName=name, **spec)
    use_function_environment(patch, template, "InvoiceApiInvoicesListFunction", TABLE_NAME=name)
    settings.cache_clear()
    seed_invoice_api()
    yield name
    settings.cache_clear()
    patch.undo()


@pytest.fixture(scope="module")
def api(invoice_table: str) -> Client:
    """Logged in as example.one@example.com, once per module (no test revokes this token)."""
    return Client().login()
