"""Each API's /docs renders its operations offline: Swagger UI's assets come from the local server only."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import BrowserContext, Route, expect

from tests.e2e.conftest import base_url
from tools.local.template import ROOT

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

APIS = ("lnupload", "bank2xls", "cinq", "invoice_api", "filestore")
METHODS = {"get", "put", "post", "delete", "patch", "head", "options", "trace"}


def operations(api: str) -> int:
    document = json.loads((ROOT / "openapi" / f"{api}.json").read_text())
    return sum(1 for item in document["paths"].values() for method in item if method in METHODS)


@pytest.mark.parametrize("api", APIS)
def test_docs_show_every_operation_without_the_network(api: str, context: BrowserContext, local_server: None) -> None:
    # Given a browser that may only reach this machine
    outside: list[str] = []

    def local_only(route: Route) -> None:
        if route.request.url.startswith(("http://127.0.0.1", "http://localhost")):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    context.route("**/*", local_only)
    page = context.new_page()

    # When it opens the API's docs
    page.goto(f"{base_url(api)}/docs")

    # Then Swagger UI lists every operation of the committed OpenAPI document, and links the dev console
    expect(page.locator(".opblock")).to_have_count(operations(api))
    expect(page.locator(".info .title")).to_be_visible()
    expect(page.get_by_role("link", name="dev console")).to_have_attribute("href", "http://127.0.0.1:3999")
    assert outside == []
