"""An unexpected exception is counted (UnexpectedErrors): the per-API alarm that rolls back a canary reads it."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from shared.errors import DomainError
from shared.observability import metrics
from shared.resolver import api_resolver
from tests.events import load_event


class Refused(DomainError):
    code = "REFUSED"


def envelope(error: DomainError) -> tuple[int, Mapping[str, Any]]:
    return error.status, {"error": error.code}


def test_an_unexpected_exception_is_answered_in_the_envelope_and_counted():
    app = api_resolver(envelope=envelope, invalid_request=lambda _problems: Refused(), not_found=Refused())

    @app.get("/getInvoice")
    def broken() -> dict:
        raise RuntimeError("a bug")

    @app.get("/fine")
    def fine() -> dict:
        return {"ok": True}

    metrics.clear_metrics()
    answer = app.resolve(load_event("lnupload", "get_invoice"), {})
    assert answer["statusCode"] == 500 and "a bug" not in answer["body"]
    assert metrics.metric_set["UnexpectedErrors"]["Value"] == [1.0]

    metrics.clear_metrics()
    event = load_event("lnupload", "get_invoice")
    event["rawPath"] = event["requestContext"]["http"]["path"] = "/fine"
    assert json.loads(app.resolve(event, {})["body"]) == {"ok": True}
    assert "UnexpectedErrors" not in metrics.metric_set
