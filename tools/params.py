"""README's generated tables: the template's parameters (with the prod config's values) and each function's
permissions. `make params` (`python -m tools.params --write`) rewrites them; tests fail when they drift.

Each table sits between `<!-- <name>:begin -->` and `<!-- <name>:end -->` in README.md.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from typing import Any

from tools import iam
from tools.local.template import ROOT, Template
from tools.rules import deploy_overrides

README = ROOT / "README.md"


def _escape(text: Any) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ").strip()


def _code(value: str) -> str:
    return f"`{value}`" if value else "(empty)"


def parameter_table(template: Template) -> str:
    prod = deploy_overrides("prod")
    rows = ["| parameter | default | prod (samconfig.toml) | what it is |", "|---|---|---|---|"]
    for name, spec in template.raw["Parameters"].items():
        default = _escape(spec.get("Default", ""))
        what = _escape(spec.get("Description", ""))
        if "AllowedValues" in spec:
            what = f"{what} One of: {', '.join(str(value) for value in spec['AllowedValues'])}.".strip()
        if "MinValue" in spec:
            what = f"{what} At least {spec['MinValue']}.".strip()
        in_prod = _code(_escape(prod[name])) if name in prod else "default"
        rows.append(f"| `{name}` | {_code(default)} | {in_prod} | {what} |")
    return "\n".join(rows)


def sections(template: Template | None = None) -> dict[str, str]:
    template = template or Template(overrides={})
    return {"parameters": parameter_table(template), "permissions": iam.markdown_table(template)}


def _filled(table: str) -> Callable[[re.Match[str]], str]:
    return lambda match: match.group(1) + table + "\n" + match.group(2)


def render(readme: str, tables: dict[str, str]) -> str:
    for name, table in tables.items():
        pattern = re.compile(rf"(<!-- {name}:begin[^>]*-->\n)(?:.*?\n)?(<!-- {name}:end -->)", re.S)
        if not pattern.search(readme):
            raise ValueError(f"README.md has no <!-- {name}:begin --> ... <!-- {name}:end --> section")
        readme = pattern.sub(_filled(table), readme)
    return readme


def main(argv: list[str]) -> int:
    current = README.read_text()
    wanted = render(current, sections())
    if "--write" in argv:
        README.write_text(wanted)
        return 0
    if wanted != current:
        print("README.md's generated tables differ from template.yaml: run `make params`")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
