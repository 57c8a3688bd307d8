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
