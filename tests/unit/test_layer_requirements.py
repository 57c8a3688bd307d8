"""Each API's layer lists exactly the distributions its code imports (layers/shared/requirements/<api>.txt).

A static walk from the API's handlers through its own modules and the `shared` modules they reach,
function-local imports included (payment SDKs are imported lazily), so a lazy import cannot be missed.
"""

from __future__ import annotations

import ast
import re
import sys
from importlib.metadata import packages_distributions
from pathlib import Path

import pytest

from tools.local.template import ROOT, Template

REQUIREMENTS = ROOT / "layers" / "shared" / "requirements"
SOURCES = (ROOT / "functions", ROOT / "layers" / "shared")
APIS = sorted({function.api for function in Template().functions.values()})
# Data a stdlib module reads from a distribution: zoneinfo takes IANA zones from tzdata (Lambda has none).
STDLIB_DATA = {"zoneinfo": "tzdata"}
# Part of Lambda's python runtime, imported guarded (shared.lifecycle): never shipped.
RUNTIME_PROVIDED = {"snapshot_restore_py"}


def normalized(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name.split("[", 1)[0]).lower()


def module_file(name: str) -> Path | None:
    parts = name.split(".")
    for root in SOURCES:
        for candidate in (root.joinpath(*parts).with_suffix(".py"), root.joinpath(*parts, "__init__.py")):
            if candidate.exists():
                return candidate
    return None


def imported_names(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def third_party_distributions(api: str) -> set[str]:
    handlers = [f.module for f in Template().functions.values() if f.api == api]
    pending, seen, outside = list(handlers), set(), set()
    while pending:
        name = pending.pop()
        if name in seen:
            continue
        seen.add(name)
        path = module_file(name)
        if path is None:
            top = name.split(".")[0]
            if top in STDLIB_DATA:
                outside.add(STDLIB_DATA[top])
            elif top not in sys.stdlib_module_names and top not in (api, "shared", *RUNTIME_PROVIDED):
                outside.add(top)
            continue
        pending.extend(imported_names(path))
    distributions = packages_distributions()
    return {normalized(distributions.get(top, [top])[0]) for top in outside}


def listed(api: str) -> set[str]:
    names: set[str] = set()
    for line in (REQUIREMENTS / f"{api}.txt").read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line.startswith("-r "):
            names |= {n for n in listed_file(REQUIREMENTS / line[3:].strip())}
        elif line:
            names.add(normalized(line))
    return names


def listed_file(path: Path) -> set[str]:
    return {
        normalized(line.split("#", 1)[0].strip())
        for line in path.read_text().splitlines()
        if line.strip()[:1] not in ("", "#")
    }


@pytest.mark.parametrize("api", APIS)
def test_each_layer_lists_exactly_what_its_api_imports(api: str) -> None:
    imported = third_party_distributions(api)
    assert imported == listed(api), f"{api}: imports {sorted(imported)}, layer lists {sorted(listed(api))}"
