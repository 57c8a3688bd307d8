"""The $default route: unknown paths are 404, documented paths with another method 405, in the envelope."""

from __future__ import annotations

import pytest

from tests.events import load_event
from tests.integration.conftest import Answer
from tests.integration.invoice_api.conftest import Client


def default_route(method: str, path: str) -> Answer:
    event = load_event("invoice_api", "not_found")
    event["rawPath"] = event["requestContext"]["http"]["path"] = path
    event["requestContext"]["http"]["method"] = method
    return Client().invoke(event)


def test_the_event_file(invoice_table):
    answer = default_route("GET", "/api/v1/customers")
    assert (answer.status, answer.json) == (404, {"message": "Not Found", "status": 404, "data": []})


@pytest.mark.parametrize("path", ["/", "/api/v1", "/api/v2/invoices", "/api/v1/invoices/1/items", "/api/v1/users/1/x"])
def test_unknown_paths_are_404(invoice_table, path):
    assert default_route("GET", path).status == 404


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/api/v1/login"),
        ("DELETE", "/api/v1/logout"),
        ("POST", "/api/v1/users"),
        ("DELETE", "/api/v1/users/1"),
        ("DELETE", "/api/v1/invoices"),
        ("POST", "/api/v1/invoices/1"),
        ("PUT", "/api/v1/invoices/"),
    ],
)
def test_documented_paths_with_another_method_are_405(invoice_table, method, path):
    answer = default_route(method, path)
    assert (answer.status, answer.json) == (405, {"message": "Method Not Allowed", "status": 405, "data": []})
