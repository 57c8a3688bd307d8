"""Facts that must be written twice, each copy pinned to its one source.

A deployed function cannot read template.yaml, so the pynamodb models restate the table's keys and indexes;
SAM reads samconfig.toml literally, and README and `make help` are prose: they restate the local ports.
"""

from __future__ import annotations

import importlib
import inspect
import re
from typing import Any

import pytest

from tools.local import bootstrap
from tools.local.local_values import CONSOLE_PORT, FAULTS_PORT, MOTO_PORT, STRIPE_PORT
from tools.local.template import ROOT, SAMCONFIG, Template, local_parameter_overrides

TEMPLATE = Template()
APIS = sorted(api.name for api in TEMPLATE.http_apis.values())
API_PORTS = {api.name: api.port for api in TEMPLATE.http_apis.values()}
FRONT_END_PORT = 5173  # a browser front-end's dev server (Vite), an allowed origin, not ours to serve


def keys(schema: list[dict[str, str]]) -> set[tuple[str, str]]:
    return {(key["AttributeName"], key["KeyType"]) for key in schema}


def models(api: str) -> tuple[list[Any], dict[str, Any]]:
    """The API's table items (pynamodb models) and the template's definition of its table."""
    function = TEMPLATE.functions[TEMPLATE.api(api).routes[0].function]
    with bootstrap.function_environment(function):
        from shared.dynamo import TableItem

        module = importlib.import_module(f"{api}.models")
    items = [
        item
        for _, item in inspect.getmembers(module, inspect.isclass)
        if issubclass(item, TableItem) and item.__module__ == module.__name__
    ]
    return items, TEMPLATE.tables[function.environment["TABLE_NAME"]]


@pytest.mark.parametrize("api", APIS)
def test_models_keys_and_indexes_are_the_templates(api: str) -> None:
    items, table = models(api)
    types = {attribute["AttributeName"]: attribute["AttributeType"] for attribute in table["AttributeDefinitions"]}
    indexes = {index["IndexName"]: index for index in table.get("GlobalSecondaryIndexes", [])}
    declared = set()
    for item in items:
        schema = item._get_schema()
        assert keys(schema["key_schema"]) == keys(table["KeySchema"]), item.__name__
        assert not schema["local_secondary_indexes"] and "LocalSecondaryIndexes" not in table
        for index in schema["global_secondary_indexes"]:
            name = index["index_name"]
            declared.add(name)
            assert name in indexes, f"{item.__name__}: index {name} is not in template.yaml"
            deployed = indexes[name]
            assert keys(index["key_schema"]) == keys(deployed["KeySchema"]), name
            assert index["projection"]["ProjectionType"] == deployed["Projection"]["ProjectionType"], name
            assert set(index["projection"].get("NonKeyAttributes", [])) == set(
                deployed["Projection"].get("NonKeyAttributes", [])
            ), name
            for attribute in index["attribute_definitions"]:
                assert types.get(attribute["AttributeName"]) == attribute["AttributeType"], (name, attribute)
    assert declared == set(indexes), "every index of the table is a model's"


def test_readme_table_and_make_help_give_the_templates_ports() -> None:
    readme = (ROOT / "README.md").read_text()
    for api, port in API_PORTS.items():
        assert re.search(rf"^\| `{api}` +\|[^|]*\| {port} \|", readme, re.MULTILINE), api
    assert re.search(rf"^\| dev console +\|[^|]*\| {CONSOLE_PORT} \|", readme, re.MULTILINE)
    makefile = (ROOT / "Makefile").read_text()
    ports = sorted(API_PORTS.values())
    assert f"APIs on :{ports[0]}-{ports[-1]}, dev console on :{CONSOLE_PORT}" in makefile
    assert ports == list(range(ports[0], ports[-1] + 1)), "make help names a range"


def test_every_local_address_names_a_port_of_the_stack() -> None:
    known = {*API_PORTS.values(), MOTO_PORT, FAULTS_PORT, STRIPE_PORT, CONSOLE_PORT, FRONT_END_PORT}
    files = [SAMCONFIG, ROOT / "README.md", ROOT / "Makefile", *sorted((ROOT / "events").glob("*/*.json"))]
    for path in files:
        for port in re.findall(r"(?:127\.0\.0\.1|localhost):(\d+)", path.read_text()):
            assert int(port) in known, f"{path.relative_to(ROOT)}: port {port}"


def test_samconfig_local_overrides_point_at_the_stack() -> None:
    for section in ("local_start_api", "local_invoke"):
        overrides = local_parameter_overrides(section)
        assert overrides["StripeApiBase"] == f"http://127.0.0.1:{STRIPE_PORT}"
        assert overrides["LightningApiUrl"].startswith(f"http://127.0.0.1:{CONSOLE_PORT}/")
        assert overrides["BtcpayUrl"].startswith(f"http://127.0.0.1:{CONSOLE_PORT}/")
        assert overrides["Bank2xlsAppUrl"] == f"http://127.0.0.1:{API_PORTS['bank2xls']}"
