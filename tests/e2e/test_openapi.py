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
