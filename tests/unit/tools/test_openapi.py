import pytest

from tools.local.template import Template
from tools.openapi import OPENAPI_DIR, api_names, build, render


def test_committed_documents_match_the_handlers():
    template = Template()
    for name in api_names(template):
        committed = (OPENAPI_DIR / f"{name}.json").read_text()
        assert render(build(name, template)) == committed, f"openapi/{name}.json is stale: run `make openapi`"


def test_lnupload_document_describes_the_envelope_not_a_422():
    document = build("lnupload")
    for operations in document["paths"].values():
        for operation in operations.values():
            assert "422" not in operation["responses"]
            schema = operation["responses"]["200"]["content"]["application/json"]["schema"]
            assert {"$ref": "#/components/schemas/Failure"} in schema["anyOf"]


def untyped_success_bodies(document: dict) -> list[str]:
    """Operations whose 2xx answer has no schema, or one that says nothing (a bare object, or anything)."""
    found = []
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            for status, response in operation["responses"].items():
                if not status.startswith("2"):
                    continue
                for content_type, body in response.get("content", {"": {}}).items():
                    schema = {key: value for key, value in body.get("schema", {}).items() if key != "title"}
                    if not schema or schema == {"type": "object", "additionalProperties": True}:
                        found.append(f"{method.upper()} {path} {status} {content_type}")
    return found


@pytest.mark.parametrize("api", api_names(Template()))
def test_every_success_body_is_typed(api):
    assert untyped_success_bodies(build(api)) == []
