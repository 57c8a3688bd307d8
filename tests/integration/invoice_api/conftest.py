"""invoice_api handlers on moto, called with the events/ files, the way API Gateway would.

Each test module gets its own table (the template's definition, a fresh name) with the demo data, so
filters and pagination see exactly the invoices a test wrote.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest

from invoice_api.settings import settings
from shared import aws
from tests.integration import conftest as integration
from tests.integration.conftest import use_function_environment
from tools.local.template import Template
from tools.seed import DEMO_PASSWORD, seed_invoice_api

ONE = "example.one@example.com"


class Client(integration.Client):
    """One caller; once logged in, its bearer token goes with every call. `source_ip`: the event's unless given."""

    api = "invoice_api"

    def login(self, email: str = ONE, password: str = DEMO_PASSWORD) -> Client:
        answer = self.call("login", {"email": email, "password": password})
        assert answer.status == 200, answer.json
        self.token = answer.json["data"]["token"]
        return self


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
