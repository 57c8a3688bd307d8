"""The template's Rules, evaluated the way CloudFormation does before a deploy, on a set of parameter values.

`python -m tools.rules [env]` (default `prod`) evaluates them on samconfig.toml's parameter overrides for
that environment and prints the assertions that would stop the deploy.
"""

from __future__ import annotations

import sys
import tomllib
from typing import Any

from tools.local.template import SAMCONFIG, Template


def deploy_overrides(env: str) -> dict[str, str]:
    """The parameter_overrides of samconfig.toml's [<env>.deploy.parameters] ({} when it has none)."""
    config = tomllib.loads(SAMCONFIG.read_text())
    entries = config.get(env, {}).get("deploy", {}).get("parameters", {}).get("parameter_overrides", [])
    entries = entries if isinstance(entries, list) else entries.split()
    return dict(entry.split("=", 1) for entry in entries)


def parameter_values(template: Template, overrides: dict[str, str]) -> dict[str, Any]:
    """Every parameter's value: its override, else its default; lists for CommaDelimitedList."""
    values: dict[str, Any] = {}
    for name, spec in template.raw["Parameters"].items():
        text = str(overrides.get(name, spec.get("Default", "")))
        values[name] = [item.strip() for item in text.split(",")] if spec["Type"] == "CommaDelimitedList" else text
    return values


def _value(node: Any, values: dict[str, Any]) -> Any:
    if not isinstance(node, dict):
        return [_value(item, values) for item in node] if isinstance(node, list) else str(node)
    ((name, arg),) = node.items()
    match name:
        case "Ref":
            return values[arg]
        case "Fn::Equals":
            left, right = (_value(item, values) for item in arg)
            return left == right
        case "Fn::Not":
            return not _value(arg[0], values)
        case "Fn::And":
            return all(_value(item, values) for item in arg)
        case "Fn::Or":
            return any(_value(item, values) for item in arg)
        case "Fn::Contains":
            items, item = (_value(part, values) for part in arg)
            return item in items
        case "Fn::EachMemberEquals":
            items, item = (_value(part, values) for part in arg)
            return all(member == item for member in items)
        case "Fn::EachMemberIn":
            items, allowed = (_value(part, values) for part in arg)
            return all(member in allowed for member in items)
    raise ValueError(f"{name} is not a rule function")


def refusals(template: Template, overrides: dict[str, str]) -> list[str]:
    """AssertDescription of every assertion that fails for these parameter values (rules whose condition holds)."""
    values = parameter_values(template, overrides)
    failed = []
    for rule in template.raw.get("Rules", {}).values():
        if "RuleCondition" in rule and not _value(rule["RuleCondition"], values):
            continue
        failed += [
            assertion["AssertDescription"]
            for assertion in rule["Assertions"]
            if not _value(assertion["Assert"], values)
        ]
    return failed


def main(env: str = "prod") -> int:
    found = refusals(Template(overrides={}), deploy_overrides(env))
    for description in found:
        print(description)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
