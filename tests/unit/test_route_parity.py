"""Each API's routes agree in the three places that name them: the handlers' registrations, the template's
HttpApi events (what API Gateway routes to each function) and the events/ files (`make invoke`, the
integration tests). The route tables the code must keep (the $default functions' 405 paths, the
per-route refusals) are pinned to the template here too: a function only sees its own routes at run time.
"""

from __future__ import annotations

import importlib
import json
import re
from collections import defaultdict
from typing import Any

import pytest

from tools.local import bootstrap
from tools.local.template import ROOT, HttpApi, Route, Template

TEMPLATE = Template()
APIS = sorted(api.name for api in TEMPLATE.http_apis.values())


def template_routes(api: HttpApi) -> dict[str, set[str]]:
    """Handler module -> the route keys the template sends to its function."""
    routes: dict[str, set[str]] = defaultdict(set)
    for route in api.routes:
        routes[TEMPLATE.functions[route.function].module] |= set() if route.path == "$default" else {route.key}
    return routes


def registered_routes(api: HttpApi) -> dict[str, set[str]]:
    """Handler module -> the route keys its handlers register on the API's resolver (as template keys)."""
    functions = [TEMPLATE.functions[route.function] for route in api.routes]
    with bootstrap.function_environment(functions[0]):
        for function in functions:
            importlib.import_module(function.module)
        app = importlib.import_module(f"{api.name}.api").app
    routes: dict[str, set[str]] = defaultdict(set)
    for route in app._static_routes + app._dynamic_routes:  # Powertools keeps no public list
        path = re.sub(r"<(\w+)>", r"{\1}", route.path)  # Powertools' <name> is the template's {name}
        routes[route.func.__module__].add(f"{route.method.upper()} {path}")
    return routes


def route_of(api: HttpApi, key: str) -> Route:
    return next(route for route in api.routes if route.key == key)


@pytest.mark.parametrize("name", APIS)
def test_each_handler_registers_exactly_its_template_routes(name: str) -> None:
    api = TEMPLATE.api(name)
    expected = template_routes(api)
    registered = registered_routes(api)
    for module in sorted(set(expected) | set(registered)):
        assert registered.get(module, set()) == expected.get(module, set()), module


@pytest.mark.parametrize("name", APIS)
def test_each_events_file_is_a_template_route_of_its_function(name: str) -> None:
    api = TEMPLATE.api(name)
    files = sorted((ROOT / "events" / name).glob("*.json"))
    covered = set()
    for path in files:
        event: dict[str, Any] = json.loads(path.read_text())
        key, context = event["routeKey"], event["requestContext"]
        route = route_of(api, key)  # StopIteration: a routeKey the template does not route
        module = TEMPLATE.functions[route.function].module.rsplit(".", 1)[1]
        # Named after the handler module (`invoice_update_patch` is invoice_update's second route).
        assert path.stem == module or path.stem.startswith(f"{module}_"), (path.name, route.function)
        assert context["routeKey"] == key, path.name
        assert context["http"]["path"] == event["rawPath"], path.name
        parameters = event.get("pathParameters") or {}
        if route.path == "$default":
            assert parameters == {}, path.name
        else:
            found = route.pattern.match(event["rawPath"])
            assert found and parameters == found.groupdict(), (path.name, event["rawPath"], parameters)
        if route.method != "ANY":
            assert context["http"]["method"] == route.method, path.name
        covered.add(route.function)
    assert covered == {route.function for route in api.routes}, "every function has an events/ file"


def template_paths(name: str) -> set[str]:
    return {route.path for route in TEMPLATE.api(name).routes if route.path != "$default"}


def api_module(name: str) -> Any:
    function = TEMPLATE.functions[TEMPLATE.api(name).routes[0].function]
    with bootstrap.function_environment(function):
        return importlib.import_module(f"{name}.api")


def test_cinq_knows_every_documented_path_under_both_bases() -> None:
    cinq = api_module("cinq")
    documented = set()
    for path in template_paths("cinq"):
        base = next(base for base in cinq.BASES if path.startswith(base))
        documented.add((base, path.removeprefix(base).split("/", 1)[0]))
    assert documented == {(base, name) for base in cinq.BASES for name in cinq.KNOWN_PATHS}


def test_invoice_api_tables_name_template_routes() -> None:
    invoice_api = api_module("invoice_api")
    assert set(invoice_api.KNOWN_PATHS) == template_paths("invoice_api")
    assert set(invoice_api.REFUSALS) <= {route.key for route in TEMPLATE.api("invoice_api").routes}


def test_filestore_refusals_name_template_paths() -> None:
    assert set(api_module("filestore").REFUSALS) <= template_paths("filestore")


def test_every_events_directory_is_an_api() -> None:
    assert {path.name for path in (ROOT / "events").iterdir() if path.is_dir()} == set(APIS)
