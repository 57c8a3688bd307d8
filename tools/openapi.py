"""OpenAPI 3.1 documents generated from the handlers' pydantic models: `make openapi` writes them.

Each API's handler modules (from template.yaml) are imported with that API's
environment, so their routes register on the API's resolver; Powertools builds
the document; we then replace its generic 422 with the API's own error envelope
(`OPENAPI_ERRORS` in the API's `api` module: status -> model), since validation
failures are rendered in that envelope. The tests fail when a committed
document drifts from the code.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
from pathlib import Path
from typing import Any

from tools.local import bootstrap
from tools.local.template import ROOT, Template

OPENAPI_DIR = ROOT / "openapi"
UNAVAILABLE = 503
UNAVAILABLE_DESCRIPTION = (
    "A dependency (the database, storage, mail or secrets) failed, throttled or was too slow, in the API's "
    "error envelope: nothing was done that a retry would do twice; try again after Retry-After seconds"
)
RETRY_AFTER = {"description": "Seconds to wait before trying again", "schema": {"type": "integer", "minimum": 1}}


def build(api_name: str, template: Template | None = None) -> dict[str, Any]:
    template = template or Template()
    api = template.api(api_name)
    functions = [template.functions[route.function] for route in api.routes]
    with bootstrap.function_environment(functions[0]):
        for function in functions:
            importlib.import_module(function.module)
        module = importlib.import_module(f"{api_name}.api")
        description = template.resources[api.logical_id]["Properties"].get("Description", "")
        schema = module.app.get_openapi_schema(title=api_name, version="1.0.0", description=description)
        document: dict[str, Any] = json.loads(schema.model_dump_json(by_alias=True, exclude_none=True))
        _use_error_envelope(document, getattr(module, "OPENAPI_ERRORS", {}))
    # Route order follows import order; sort it so the document does not depend on it.
    document["paths"] = dict(sorted(document.get("paths", {}).items()))
    return document


def _use_error_envelope(document: dict[str, Any], errors: dict[int, Any]) -> None:
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    for name in ("HTTPValidationError", "ValidationError", "ResponseValidationError"):  # our envelopes answer those
        schemas.pop(name, None)
    for model in errors.values():
        schemas[model.__name__] = model.model_json_schema(ref_template="#/components/schemas/{model}")
    for operations in document.get("paths", {}).values():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            responses.pop("422", None)
            for status, model in errors.items():
                ref = {"$ref": f"#/components/schemas/{model.__name__}"}
                existing = responses.get(str(status))
                if existing:
                    body = existing["content"]["application/json"]
                    body["schema"] = {"anyOf": [body["schema"], ref]}
                    existing["description"] = f"{existing['description']}, or a failure in the API's envelope"
                else:
                    description = "Failure, in the API's error envelope"
                    responses[str(status)] = {
                        "description": description,
                        "content": {"application/json": {"schema": ref}},
                    }
                if status == UNAVAILABLE:
                    responses[str(status)]["description"] = UNAVAILABLE_DESCRIPTION
                    responses[str(status)]["headers"] = {"Retry-After": RETRY_AFTER}


def render(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False, sort_keys=False) + "\n"


def api_names(template: Template) -> list[str]:
    return sorted(api.name for api in template.http_apis.values())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--write", action="store_true", help="write openapi/<api>.json")
    args = parser.parse_args()
    template = Template()
    OPENAPI_DIR.mkdir(exist_ok=True)
    stale = []
    for name in api_names(template):
        text = render(build(name, template))
        path: Path = OPENAPI_DIR / f"{name}.json"
        if args.write:
            path.write_text(text)
            print(f"wrote {path.relative_to(ROOT)}")
        elif not path.exists() or path.read_text() != text:
            stale.append(name)
    if stale:
        sys.exit(f"OpenAPI documents out of date: {', '.join(stale)} (run `make openapi`)")


if __name__ == "__main__":
    main()
