"""The one reader of template.yaml: functions, routes, tables, buckets and secrets, resolved for local use.

The local server, the test fixtures and the OpenAPI tool all read the template
through this module, so none of them can drift from what is deployed. Intrinsic
functions are resolved the way CloudFormation would, with local physical names:
a table or secret is named after its logical id, a bucket after its logical id
in lower case, and a CloudFront distribution is served by the dev console.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import yaml

from tools.local.local_values import CONSOLE_URL

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "template.yaml"
SAMCONFIG = ROOT / "samconfig.toml"
LOCAL_REGION = "us-east-1"
LOCAL_ACCOUNT = "123456789012"


class _CfnLoader(yaml.CSafeLoader):  # libyaml: ~30x faster than the pure-Python loader on this template
    """A YAML loader that keeps CloudFormation's short-form tags as {"Fn::X": ...} maps."""


def _tag_constructor(loader: yaml.CSafeLoader, tag_suffix: str, node: yaml.Node) -> dict[str, Any]:
    name = "Ref" if tag_suffix == "Ref" else f"Fn::{tag_suffix}"
    value: Any
    if isinstance(node, yaml.ScalarNode):
        value = loader.construct_scalar(node)
        if name == "Fn::GetAtt":
            value = str(value).split(".", 1)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)
    return {name: value}


_CfnLoader.add_multi_constructor("!", _tag_constructor)


@dataclass(frozen=True)
class Route:
    method: str  # upper case, or ANY
    path: str  # "/items/{id}", or "$default"
    function: str  # logical id

    @cached_property
    def pattern(self) -> re.Pattern[str]:
        regex = re.sub(r"\\\{(\w+)\\\+\\\}", r"(?P<\1>.+)", re.escape(self.path))
        regex = re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", regex)
        return re.compile(f"^{regex}$")

    @property
    def key(self) -> str:
        return "$default" if self.path == "$default" else f"{self.method} {self.path}"


@dataclass(frozen=True)
class HttpApi:
    logical_id: str
    port: int
    cors: dict[str, Any]
    routes: list[Route] = field(default_factory=list)
    packages: set[str] = field(default_factory=set)  # the top-level packages of its functions' handlers

    @property
    def name(self) -> str:
        """Its handlers' package (`InvoiceApi` -> `invoice_api`), else the logical id without "Api"."""
        if len(self.packages) == 1:
            return next(iter(self.packages))
        return self.logical_id.removesuffix("Api").lower()


@dataclass(frozen=True)
class Function:
    logical_id: str
    handler: str
    environment: dict[str, str]
    timeout: int
    memory_mb: int

    @property
    def module(self) -> str:
        return self.handler.rsplit(".", 1)[0]

    @property
    def api(self) -> str:
        return self.module.split(".", 1)[0]


class Template:
    def __init__(self, path: Path = TEMPLATE, overrides: dict[str, str] | None = None) -> None:
        self.raw: dict[str, Any] = yaml.load(path.read_text(), Loader=_CfnLoader)  # noqa: S506 - SafeLoader subclass
        self.resources: dict[str, Any] = self.raw["Resources"]
        self.parameters = {name: str(spec.get("Default", "")) for name, spec in self.raw.get("Parameters", {}).items()}
        self.parameters.update(local_parameter_overrides() if overrides is None else overrides)

    # ------------------------------------------------------------------ queries
    def of_type(self, kind: str) -> dict[str, dict[str, Any]]:
        return {lid: res for lid, res in self.resources.items() if res.get("Type") == kind}

    @cached_property
    def functions(self) -> dict[str, Function]:
        defaults = self.raw.get("Globals", {}).get("Function", {})
        functions = {}
        for lid, res in self.of_type("AWS::Serverless::Function").items():
            props = res["Properties"]
            env = {
                **defaults.get("Environment", {}).get("Variables", {}),
                **props.get("Environment", {}).get("Variables", {}),
            }
            functions[lid] = Function(
                logical_id=lid,
                handler=props["Handler"],
                environment={key: str(self.resolve(value)) for key, value in env.items()},
                timeout=int(props.get("Timeout", defaults.get("Timeout", 3))),
                memory_mb=int(props.get("MemorySize", defaults.get("MemorySize", 128))),
            )
        return functions

    @cached_property
    def http_apis(self) -> dict[str, HttpApi]:
        apis = {
            lid: HttpApi(
                logical_id=lid,
                port=int(res.get("Metadata", {}).get("LocalPort", 0)),
                cors=self.resolve(res.get("Properties", {}).get("CorsConfiguration", {})),
            )
            for lid, res in self.of_type("AWS::Serverless::HttpApi").items()
        }
        for lid, res in self.of_type("AWS::Serverless::Function").items():
            for event in res["Properties"].get("Events", {}).values():
                if event.get("Type") != "HttpApi":
                    continue
                props = event.get("Properties", {})
                api = apis[props["ApiId"]["Ref"]]
                path = props.get("Path", "$default")
                api.routes.append(Route(str(props.get("Method", "ANY")).upper(), path, lid))
                api.packages.add(self.functions[lid].api)
        return apis

    def api(self, name: str) -> HttpApi:
        return next(api for api in self.http_apis.values() if api.name == name)

    @cached_property
    def tables(self) -> dict[str, dict[str, Any]]:
        """create_table arguments (plus TimeToLiveSpecification) for every table, by local name."""
        tables = {}
        for lid, res in self.of_type("AWS::DynamoDB::Table").items():
            props = self.resolve(res["Properties"])
            spec = {
                key: props[key]
                for key in (
                    "AttributeDefinitions",
                    "KeySchema",
                    "GlobalSecondaryIndexes",
                    "LocalSecondaryIndexes",
                )
                if key in props
            }
            spec["BillingMode"] = props.get("BillingMode", "PAY_PER_REQUEST")
            spec["TimeToLiveSpecification"] = props.get("TimeToLiveSpecification")
            tables[self.physical_name(lid)] = spec
        return tables

    @cached_property
    def buckets(self) -> list[str]:
        return [self.physical_name(lid) for lid in self.of_type("AWS::S3::Bucket")]

    @cached_property
    def secrets(self) -> list[str]:
        return [self.physical_name(lid) for lid in self.of_type("AWS::SecretsManager::Secret")]

    @cached_property
    def mail_identities(self) -> list[str]:
        return [
            str(self.resolve(res["Properties"]["EmailIdentity"]))
            for res in self.of_type("AWS::SES::EmailIdentity").values()
        ]

    def distribution_origin(self, logical_id: str) -> tuple[str, str]:
        """(bucket, key prefix) that a CloudFront distribution serves."""
        config = self.resources[logical_id]["Properties"]["DistributionConfig"]
        origin = config["Origins"][0]
        bucket_id = origin["DomainName"]["Fn::GetAtt"][0]
        return self.physical_name(bucket_id), str(origin.get("OriginPath", "")).strip("/")

    def distribution_headers(self, logical_id: str) -> dict[str, str]:
        """Headers the distribution's response headers policy adds to every answer (the parts we use)."""
        behavior = self.resources[logical_id]["Properties"]["DistributionConfig"]["DefaultCacheBehavior"]
        policy_ref = behavior.get("ResponseHeadersPolicyId")
        if not isinstance(policy_ref, dict) or "Ref" not in policy_ref:
            return {}
        config = self.resources[policy_ref["Ref"]]["Properties"]["ResponseHeadersPolicyConfig"]
        headers: dict[str, str] = {}
        if "ContentTypeOptions" in config.get("SecurityHeadersConfig", {}):
            headers["X-Content-Type-Options"] = "nosniff"
        for item in config.get("CustomHeadersConfig", {}).get("Items", []):
            headers[item["Header"]] = str(item["Value"])
        return headers

    # ------------------------------------------------------------- resolution
    def physical_name(self, logical_id: str) -> str:
        kind = self.resources[logical_id]["Type"]
        return logical_id.lower() if kind == "AWS::S3::Bucket" else logical_id

    def condition(self, name: str) -> bool:
        return bool(self.resolve(self.raw["Conditions"][name]))

    def resolve(self, value: Any) -> Any:  # noqa: C901 - one branch per intrinsic function
        if isinstance(value, list):
            return [self.resolve(item) for item in value]
        if not isinstance(value, dict):
            return value
        if len(value) != 1:
            return {key: self.resolve(item) for key, item in value.items()}
        ((name, arg),) = value.items()
        match name:
            case "Ref":
                return self._ref(arg)
            case "Fn::GetAtt":
                return self._get_att(*arg)
            case "Fn::Sub":
                return self._sub(arg)
            case "Fn::If":
                cond, yes, no = arg
                return self.resolve(yes if self.condition(cond) else no)
            case "Fn::Equals":
                left, right = self.resolve(arg)
                return str(left) == str(right)
            case "Fn::Not":
                return not self.resolve(arg[0])
            case "Fn::And":
                return all(self.resolve(arg))
            case "Fn::Or":
                return any(self.resolve(arg))
            case "Fn::Join":
                sep, items = arg
                return sep.join(str(item) for item in self.resolve(items))
            case "Fn::Split":
                sep, text = arg
                return str(self.resolve(text)).split(sep)
            case "Fn::Select":
                index, items = arg
                return self.resolve(items)[int(index)]
            case "Condition":
                return self.condition(arg)
        return {name: self.resolve(arg)}

    def _ref(self, name: str) -> Any:
        pseudo = {
            "AWS::StackName": "local",
            "AWS::Region": LOCAL_REGION,
            "AWS::AccountId": LOCAL_ACCOUNT,
            "AWS::Partition": "aws",
            "AWS::URLSuffix": "amazonaws.com",
        }
        if name in pseudo:
            return pseudo[name]
        if name in self.parameters:
            spec = self.raw["Parameters"][name]
            text = self.parameters[name]
            return text.split(",") if spec.get("Type") == "CommaDelimitedList" else text
        return self.physical_name(name)

    def _get_att(self, logical_id: str, attribute: str) -> str:
        kind = self.resources[logical_id]["Type"]
        if kind == "AWS::CloudFront::Distribution" and attribute == "DomainName":
            return f"{CONSOLE_URL.removeprefix('http://')}/cdn/{logical_id}"
        if attribute == "Arn":
            return f"arn:aws:local:::{self.physical_name(logical_id)}"
        return f"{self.physical_name(logical_id)}.{attribute.lower()}.local"

    def _sub(self, arg: Any) -> str:
        text, variables = (arg, {}) if isinstance(arg, str) else (arg[0], arg[1])

        def replace(match: re.Match[str]) -> str:
            name = match.group(1)
            if name in variables:
                return str(self.resolve(variables[name]))
            if "." in name and not name.startswith("AWS::"):
                return str(self._get_att(*name.split(".", 1)))
            return str(self._ref(name))

        return re.sub(r"\$\{([^}!]+)\}", replace, text)


def local_parameter_overrides(command: str = "local_start_api") -> dict[str, str]:
    """The parameter overrides `sam local start-api` (or `sam local invoke`: "local_invoke") would use."""
    config = tomllib.loads(SAMCONFIG.read_text())
    entries = config["default"].get(command, {}).get("parameters", {}).get("parameter_overrides", [])
    return parse_parameter_overrides(entries)


def parse_parameter_overrides(entries: str | list[str]) -> dict[str, str]:
    """SAM's `K=V K2=V2` (a string or samconfig's list), also `ParameterKey=K,ParameterValue=V`."""
    items = entries if isinstance(entries, list) else entries.split()
    parsed = {}
    for item in items:
        if item.startswith("ParameterKey="):
            key, _, value = item.removeprefix("ParameterKey=").partition(",ParameterValue=")
        else:
            key, sep, value = item.partition("=")
            if not sep:
                raise ValueError(f"a parameter override is KEY=VALUE, not {item!r}")
        parsed[key] = value
    return parsed
