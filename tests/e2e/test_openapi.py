"""Each served API against its own OpenAPI document: no 5xx, and answers that conform."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

pytestmark = pytest.mark.e2e
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


def check_api(base_url: str, max_examples: int = 30) -> None:
    schema = schemathesis.openapi.from_url(f"{base_url}/openapi.json")
    for result in schema.get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy())
        @settings(max_examples=max_examples, deadline=None, suppress_health_check=list(HealthCheck))
        def conforms(case: schemathesis.Case) -> None:
            case.call_and_validate(checks=CHECKS)

        conforms()


def test_lnupload_conforms_to_its_document(lnupload_url):
    check_api(lnupload_url)


def test_bank2xls_conforms_to_its_document(bank2xls_url):
    check_api(bank2xls_url, max_examples=20)


def test_cinq_conforms_to_its_document(cinq_url):
    check_api(cinq_url, max_examples=15)


def test_invoice_api_conforms_to_its_document(invoice_api_url):
    import os

    import requests

    # Anonymous: login's 403s and everyone else's 401s
    check_api(invoice_api_url, max_examples=15)
    if "INVOICE_API_URL" in os.environ:
        return  # a deployed stack: no random writes with a real token
    # Logged in as the local demo user: the endpoints themselves (logout left out so the token lives)
    from tools.local.local_values import MOTO_PORT
    from tools.local.template import Template
    from tools.seed import seed_demo

    # The demo users (idempotent: the local server seeds them too).
    seed_demo(Template(), f"http://127.0.0.1:{MOTO_PORT}")
    login = {"email": "example.one@example.com", "password": "password"}
    token = requests.post(f"{invoice_api_url}/api/v1/login", json=login, timeout=15).json()["data"]["token"]
    schema = schemathesis.openapi.from_url(f"{invoice_api_url}/openapi.json")
    for result in schema.get_all_operations():
        operation = result.ok()
        if operation.path.endswith(("/login", "/logout")):
            continue

        @given(case=operation.as_strategy())
        @settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
        def conforms(case: schemathesis.Case) -> None:
            case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=CHECKS)

        conforms()


def test_filestore_conforms_to_its_document(filestore_url):
    import os
    import uuid

    import requests

    # Anonymous: sign-up and login's 400s, everyone else's 401s
    check_api(filestore_url, max_examples=15)
    if "FILESTORE_URL" in os.environ:
        return  # a deployed stack: no random writes with a real session
    # Signed in as a fresh user: the endpoints themselves, the session as a bearer
    fields = {
        "username": f"oa{uuid.uuid4().hex[:10]}",
        "lastname": "Dupont",
        "firstname": "Jean",
        "password": "secret1",
    }
    token = requests.post(f"{filestore_url}/api/user/sign", json=fields, timeout=15).json()["token"]
    schema = schemathesis.openapi.from_url(f"{filestore_url}/openapi.json")
    for result in schema.get_all_operations():
        operation = result.ok()
        if operation.path.startswith("/api/user/"):
            continue

        @given(case=operation.as_strategy())
        @settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
        def conforms(case: schemathesis.Case) -> None:
            case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=CHECKS)

        conforms()
