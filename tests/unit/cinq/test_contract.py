"""cinq's OpenAPI document says what every success answers, with the status it answers it with."""

from typing import Any

import pytest
from aws_lambda_powertools.event_handler import Response

from cinq.api import documented, respond
from cinq.schemas import EventAcknowledged, GiftCreated, GiftSummary
from tools.openapi import build

# The spec's successes other than a lone 200, by method and endpoint name.
STATUSES = {
    ("post", "waitlist"): {"201"},
    ("post", "gift-create"): {"201", "200"},  # 200: a Stripe event that buys nothing
    ("post", "auth-register"): {"201"},
    ("post", "user-profile"): {"201", "200"},  # add_contact, remove_contact
    ("post", "contacts"): {"201"},
    ("post", "messages"): {"201"},
}


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return build("cinq")


def successes(document: dict[str, Any]) -> list[tuple[str, str, str, dict[str, Any]]]:
    return [
        (method, path, status, response)
        for path, operations in document["paths"].items()
        for method, operation in operations.items()
        for status, response in operation["responses"].items()
        if status.startswith("2")
    ]


def test_every_success_names_its_models(document):
    found = successes(document)
    assert len({(method, path) for method, path, _, _ in found}) == 32
    for method, path, status, response in found:
        schema = response["content"]["application/json"]["schema"]
        models = schema.get("anyOf", [schema])
        assert all(set(model) == {"$ref"} for model in models), f"{method} {path} {status} is untyped: {schema}"


def test_each_success_is_documented_with_its_status(document):
    documented_statuses: dict[tuple[str, str], set[str]] = {}
    for method, path, status, _ in successes(document):
        documented_statuses.setdefault((method, path), set()).add(status)
    for (method, path), statuses in documented_statuses.items():
        name = path.removeprefix("/api/").removeprefix("/.netlify/functions/").split("/")[0]
        assert statuses == STATUSES.get((method, name), {"200"}), f"{method} {path}"


def test_a_response_takes_the_status_of_its_model():
    answers = {201: GiftCreated, 200: EventAcknowledged}
    acknowledged = respond(EventAcknowledged(), answers)
    assert isinstance(acknowledged, Response) and acknowledged.status_code == 200
    gift = GiftSummary.model_validate(
        {
            "id": "g",
            "prefix": "CINQ-A1B2",
            "amount": {"cents": 1500, "formatted": "15.00 EUR"},
            "currency": "EUR",
            "expires_at": "2027-01-31T00:00:00.000Z",
            "created_at": "2026-01-31T10:00:00.000Z",
        }
    )
    assert respond(GiftCreated(code="CINQ-A1B2-C3D4-E5F6", gift_code=gift), answers).status_code == 201
    assert documented(answers)[200]["description"] == EventAcknowledged.__doc__.strip()
