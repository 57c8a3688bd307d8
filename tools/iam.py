"""Least privilege, checked: the AWS calls each function makes against what its IAM policy allows.

moto does not enforce IAM, so a missing permission would only show once deployed.
The integration tests therefore record every AWS call a handler makes (the API
calls, and the presigned URLs and forms it signs, which S3 later authorises with
the function's permissions), translate each into the IAM actions and resources
AWS checks (a DynamoDB transaction is the item actions on each item; a copy is
GetObject on the source and PutObject on the target; a Query on an index is the
index's ARN), and fail when the function's statements in template.yaml do not
allow one of them.

Resources are compared in the template's local resolution (tools/local/template):
a table's or bucket's ARN is `arn:aws:local:::<name>`, a secret's Ref its name.

`python -m tools.iam` prints each function's permissions as a Markdown table.
"""

from __future__ import annotations

import json
import os
import re
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from email.utils import parseaddr
from functools import cache
from typing import Any
from urllib.parse import unquote

from tools.local.template import LOCAL_ACCOUNT, LOCAL_REGION, Template

SERVICE_PREFIX = {"sesv2": "ses"}  # IAM prefixes where the SDK's service name differs


@dataclass(frozen=True)
class Request:
    """One authorisation AWS makes: an action on a resource (and the condition keys it carries)."""

    action: str
    resource: str
    context: tuple[tuple[str, str], ...] = ()

    def __str__(self) -> str:
        keys = "".join(f" [{key}={value}]" for key, value in self.context)
        return f"{self.action} on {self.resource}{keys}"


def arn(name: str) -> str:
    """A table's or bucket's ARN as the template resolves it locally."""
    return f"arn:aws:local:::{name}"


def _table(name: str, index: str | None = None) -> str:
    return arn(name) + (f"/index/{index}" if index else "")


def _ses_identity(address: str) -> str:
    return f"arn:aws:ses:{LOCAL_REGION}:{LOCAL_ACCOUNT}:identity/{parseaddr(address)[1]}"


def _copy_source(source: Any) -> tuple[str, str, str | None]:
    if isinstance(source, dict):
        return source["Bucket"], source["Key"], source.get("VersionId")
    text, _, query = str(source).lstrip("/").partition("?")
    bucket, _, key = text.partition("/")
    version = query.removeprefix("versionId=") if query.startswith("versionId=") else None
    return bucket, unquote(key), version


def _s3_read(bucket: str, key: str, version: str | None) -> list[Request]:
    reads = [Request("s3:GetObject", arn(f"{bucket}/{key}"))]
    return reads + ([Request("s3:GetObjectVersion", arn(f"{bucket}/{key}"))] if version else [])


S3_WRITES = {"PutObject", "CreateMultipartUpload", "UploadPart", "CompleteMultipartUpload"}


def _dynamodb(operation: str, params: dict[str, Any]) -> list[Request]:
    if operation == "TransactWriteItems":
        return [
            Request(f"dynamodb:{kind}Item", _table(item[kind]["TableName"]))
            for item in params["TransactItems"]
            for kind in ("Put", "Update", "Delete", "ConditionCheck")
            if kind in item
        ]
    if operation == "TransactGetItems":
        return [Request("dynamodb:GetItem", _table(item["Get"]["TableName"])) for item in params["TransactItems"]]
    if operation in ("BatchGetItem", "BatchWriteItem"):
        return [Request(f"dynamodb:{operation}", _table(name)) for name in params["RequestItems"]]
    return [Request(f"dynamodb:{operation}", _table(params["TableName"], params.get("IndexName")))]


def _s3(operation: str, params: dict[str, Any]) -> list[Request]:  # noqa: C901 - one branch per operation
    bucket, key = params.get("Bucket", ""), params.get("Key", "")
    version = params.get("VersionId")
    if operation in ("GetObject", "HeadObject"):
        return _s3_read(bucket, key, version)
    if operation in S3_WRITES:
        return [Request("s3:PutObject", arn(f"{bucket}/{key}"))]
    if operation in ("CopyObject", "UploadPartCopy"):
        return [Request("s3:PutObject", arn(f"{bucket}/{key}")), *_s3_read(*_copy_source(params["CopySource"]))]
    if operation == "DeleteObject":
        deletes = [Request("s3:DeleteObject", arn(f"{bucket}/{key}"))]
        return deletes + ([Request("s3:DeleteObjectVersion", arn(f"{bucket}/{key}"))] if version else [])
    if operation == "DeleteObjects":
        return [Request("s3:DeleteObject", arn(f"{bucket}/{item['Key']}")) for item in params["Delete"]["Objects"]]
    if operation in ("ListObjectsV2", "ListObjects"):
        return [Request("s3:ListBucket", arn(bucket), (("s3:prefix", params.get("Prefix", "")),))]
    if operation == "ListObjectVersions":
        return [Request("s3:ListBucketVersions", arn(bucket), (("s3:prefix", params.get("Prefix", "")),))]
    if operation == "HeadBucket":
        return [Request("s3:ListBucket", arn(bucket))]
    if operation == "AbortMultipartUpload":
        return [Request("s3:AbortMultipartUpload", arn(f"{bucket}/{key}"))]
    if operation == "ListParts":
        return [Request("s3:ListMultipartUploadParts", arn(f"{bucket}/{key}"))]
    return [Request(f"s3:{operation}", arn(bucket))]


def requests_of(service: str, operation: str, params: dict[str, Any]) -> list[Request]:
    """The IAM authorisations one SDK call needs (service as botocore names it, operation as the API does)."""
    if service == "dynamodb":
        return _dynamodb(operation, params)
    if service == "s3":
        return _s3(operation, params)
    if service == "secretsmanager" and "SecretId" in params:
        return [Request(f"secretsmanager:{operation}", params["SecretId"])]
    if service in ("sesv2", "ses") and operation in ("SendEmail", "SendRawEmail"):
        sender = params.get("FromEmailAddress") or params.get("Source", "")
        return [Request(f"ses:{operation}", _ses_identity(sender))]
    return [Request(f"{SERVICE_PREFIX.get(service, service)}:{operation}", "*")]


# ------------------------------------------------------------------ policies
def _pattern(text: str, *, case: bool) -> re.Pattern[str]:
    regex = re.escape(text).replace(r"\*", ".*").replace(r"\?", ".")
    return re.compile(f"^{regex}$", 0 if case else re.IGNORECASE)


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


@dataclass(frozen=True)
class Statement:
    effect: str  # Allow or Deny
    actions: tuple[str, ...]
    resources: tuple[str, ...]
    conditions: tuple[tuple[str, str, tuple[str, ...]], ...] = ()  # (operator, key, values)

    def applies(self, request: Request) -> bool:
        if not any(_pattern(action, case=False).match(request.action) for action in self.actions):
            return False
        if not any(_pattern(resource, case=True).match(request.resource) for resource in self.resources):
            return False
        context = dict(request.context)
        return all(self._holds(operator, key, values, context) for operator, key, values in self.conditions)

    @staticmethod
    def _holds(operator: str, key: str, values: tuple[str, ...], context: dict[str, str]) -> bool:
        if key not in context:
            return False  # IAM: a condition on a key the request lacks does not hold
        if operator == "StringEquals":
            return context[key] in values
        if operator == "StringLike":
            return any(_pattern(value, case=True).match(context[key]) for value in values)
        raise ValueError(f"condition operator {operator} is not modelled here")


@dataclass
class FunctionPolicy:
    logical_id: str
    statements: list[Statement] = field(default_factory=list)

    def allows(self, request: Request) -> bool:
        """IAM's evaluation within one identity policy: an explicit Deny wins, else some Allow must apply."""
        applying = [statement.effect for statement in self.statements if statement.applies(request)]
        return "Allow" in applying and "Deny" not in applying


def function_policies(template: Template) -> dict[str, FunctionPolicy]:
    """Each function's statements, resolved locally; SAM policy templates are refused (explicit statements only)."""
    policies = {}
    for logical_id, resource in template.of_type("AWS::Serverless::Function").items():
        policy = FunctionPolicy(logical_id)
        for entry in resource["Properties"].get("Policies", []):
            if not isinstance(entry, dict) or set(entry) != {"Statement"}:
                raise ValueError(f"{logical_id}: only explicit Statement policies are checked, not {entry}")
            for raw in _as_list(template.resolve(entry["Statement"])):
                if raw.get("Effect") not in ("Allow", "Deny") or "NotAction" in raw or "NotResource" in raw:
                    raise ValueError(f"{logical_id}: only Allow/Deny with Action and Resource are modelled: {raw}")
                conditions = tuple(
                    (operator, key, tuple(str(v) for v in _as_list(values)))
                    for operator, keys in raw.get("Condition", {}).items()
                    for key, values in keys.items()
                )
                resources = tuple(str(r) for r in _as_list(raw["Resource"]))
                actions = tuple(_as_list(raw["Action"]))
                policy.statements.append(Statement(raw["Effect"], actions, resources, conditions))
        policies[logical_id] = policy
    return policies


# ------------------------------------------------------------------ recording
@dataclass(frozen=True)
class Call:
    function: str
    service: str
    operation: str
    requests: tuple[Request, ...]


_running: ContextVar[str | None] = ContextVar("iam_running_function", default=None)


def _in_pool_worker(frame: Any) -> bool:
    while frame is not None:
        if frame.f_code.co_name == "_worker" and frame.f_code.co_filename.endswith("concurrent/futures/thread.py"):
            return True
        frame = frame.f_back
    return False


class Recorder:
    """Records the AWS calls made while a handler's route runs (middlewares included), attributed to its function.

    A route is the function whose handler module defined it; the $default route (no
    route matched) is the API's `not_found` function. Calls from pool threads (S3
    managed transfers) belong to the one route running in the process, if only one is.
    The tests may point a function at another table or bucket through its environment
    (TABLE_NAME=...-<random>): requests are checked as if against the template's.
    """

    def __init__(self, template: Template) -> None:
        self.template = template
        self.functions = {function.module: lid for lid, function in template.functions.items()}
        self.calls: list[Call] = []
        self._lock = threading.Lock()
        self._active: dict[int, str] = {}  # thread id -> function running a route there

    def function_of(self, resolver: Any, route_module: str) -> str | None:
        if route_module in self.functions:
            return self.functions[route_module]
        for name, module in list(sys.modules.items()):
            if name.endswith(".api") and getattr(module, "app", None) is resolver:
                return self.functions.get(f"{name.removesuffix('.api')}.handlers.not_found")
        return None

    @contextmanager
    def running(self, function: str | None) -> Iterator[None]:
        token = _running.set(function)
        thread = threading.get_ident()
        if function:
            with self._lock:
                self._active[thread] = function
        try:
            yield
        finally:
            _running.reset(token)
            with self._lock:
                self._active.pop(thread, None)

    def attribute(self) -> str | None:
        function = _running.get()
        if function is not None:
            return function
        if not _in_pool_worker(sys._getframe()):
            return None
        with self._lock:
            running = set(self._active.values())
        return running.pop() if len(running) == 1 else None

    def _as_configured(self, function: str, params: dict[str, Any]) -> dict[str, Any]:
        substitutes = {
            value: configured
            for name, configured in self.template.functions[function].environment.items()
            if (value := os.environ.get(name)) and value != configured
        }
        if not substitutes:
            return params

        def swap(value: Any) -> Any:
            if isinstance(value, dict):
                return {key: swap(item) for key, item in value.items()}
            if isinstance(value, list):
                return [swap(item) for item in value]
            return substitutes.get(value, value) if isinstance(value, str) else value

        swapped = {key: swap(value) for key, value in params.items()}
        if "RequestItems" in params:
            swapped["RequestItems"] = {substitutes.get(k, k): v for k, v in params["RequestItems"].items()}
        return swapped

    def record(self, service: str, operation: str, params: dict[str, Any]) -> None:
        function = self.attribute()
        if function is None:
            return
        params = self._as_configured(function, params)
        call = Call(function, service, operation, tuple(requests_of(service, operation, params)))
        with self._lock:
            self.calls.append(call)

    def drain(self) -> list[Call]:
        with self._lock:
            calls, self.calls = self.calls, []
        return calls


@contextmanager
def recording(template: Template) -> Iterator[Recorder]:
    """Record the AWS calls, presigned requests and secret reads (cached or not) of handlers while the block runs."""
    from aws_lambda_powertools.event_handler.api_gateway import ApiGatewayResolver
    from aws_lambda_powertools.utilities.parameters import SecretsProvider
    from botocore.client import BaseClient
    from botocore.signers import S3PostPresigner

    recorder = Recorder(template)
    patches: list[tuple[Any, str, Any]] = []

    def patch(owner: Any, name: str, replacement: Any) -> None:
        patches.append((owner, name, owner.__dict__.get(name)))
        setattr(owner, name, replacement)

    call_route, emit = ApiGatewayResolver._call_route, getattr(BaseClient, "_emit_api_params")  # noqa: B009
    presign_post, get_secret = S3PostPresigner.generate_presigned_post, SecretsProvider.get

    def _call_route(resolver: Any, route: Any, route_arguments: Any) -> Any:
        with recorder.running(recorder.function_of(resolver, getattr(route.func, "__module__", ""))):
            return call_route(resolver, route, route_arguments)

    def _emit_api_params(client: Any, api_params: Any, operation_model: Any, context: Any) -> Any:
        params = emit(client, api_params, operation_model, context)
        presigned_post = context.get("is_presign_request") and operation_model.name == "CreateBucket"
        if not presigned_post:  # a presigned POST is recorded with its key below
            recorder.record(client.meta.service_model.service_name, operation_model.name, params)
        return params

    def generate_presigned_post(presigner: Any, request_dict: Any, fields: Any = None, conditions: Any = None,
                                **kwargs: Any) -> Any:  # fmt: skip
        bucket = next(c["bucket"] for c in conditions if isinstance(c, dict) and "bucket" in c)
        recorder.record("s3", "PutObject", {"Bucket": bucket, "Key": fields["key"]})
        return presign_post(presigner, request_dict, fields, conditions, **kwargs)

    def secret(provider: Any, name: str, *args: Any, **kwargs: Any) -> Any:
        recorder.record("secretsmanager", "GetSecretValue", {"SecretId": name})  # also when served from cache
        return get_secret(provider, name, *args, **kwargs)

    patch(ApiGatewayResolver, "_call_route", _call_route)
    patch(BaseClient, "_emit_api_params", _emit_api_params)
    patch(S3PostPresigner, "generate_presigned_post", generate_presigned_post)
    patch(SecretsProvider, "get", secret)
    try:
        yield recorder
    finally:
        for owner, name, original in reversed(patches):
            if original is None:
                delattr(owner, name)
            else:
                setattr(owner, name, original)


def violations(policies: dict[str, FunctionPolicy], calls: list[Call]) -> list[str]:
    found = []
    for call in calls:
        for request in call.requests:
            if not policies[call.function].allows(request):
                found.append(f"{call.function} ({call.service}.{call.operation}) needs {request}")
    return sorted(set(found))


@cache
def _policies() -> dict[str, FunctionPolicy]:
    return function_policies(Template())


# ------------------------------------------------------------------ the README's table
def _name(value: Any) -> str:
    """A statement's resource as written in the template, shortened for a table."""
    if isinstance(value, str):
        return value
    if "Ref" in value:
        return str(value["Ref"])
    if "Fn::GetAtt" in value:
        return str(value["Fn::GetAtt"][0])
    if "Fn::Sub" in value:
        text = value["Fn::Sub"] if isinstance(value["Fn::Sub"], str) else value["Fn::Sub"][0]
        text = re.sub(r"\$\{(\w+)\.Arn\}", r"\1", text)
        return re.sub(r"^arn:\$\{AWS::Partition\}:ses:.*identity/\$\{(\w+)\}$", r"\1", text)
    return json.dumps(value)


def _cell(entries: list[str]) -> str:
    return "<br>".join(entries) if entries else ""


def markdown_table(template: Template) -> str:
    """Each function's permissions as template.yaml grants them (a Markdown table, generated into README)."""
    rows = ["| function | DynamoDB | S3 | secrets | other |", "|---|---|---|---|---|"]
    for logical_id, resource in template.of_type("AWS::Serverless::Function").items():
        cells: dict[str, list[str]] = {"dynamodb": [], "s3": [], "secretsmanager": [], "other": []}
        for entry in resource["Properties"].get("Policies", []):
            for statement in _as_list(entry["Statement"]):
                actions = [str(action) for action in _as_list(statement["Action"])]
                service = actions[0].split(":")[0]
                names = sorted({_name(r) for r in _as_list(statement["Resource"])})
                verbs = ", ".join(action.split(":")[1] for action in actions)
                if service == "secretsmanager":
                    cells[service] += names
                    continue
                where = " ".join(names)
                if service == "ses" and "SendEmail" in verbs:
                    where = f"{names[0]}'s identity (address or domain)"
                if "Condition" in statement:
                    where += " (prefix: disks)"
                denied = "**not** " if statement["Effect"] == "Deny" else ""
                text = f"{denied}{verbs} on {where}" if service == "dynamodb" or denied else f"{verbs} on {where}"
                cells[service if service in cells else "other"].append(text.replace(" on *", ""))
        name = logical_id.removesuffix("Function")
        rows.append(
            f"| {name} | {_cell(cells['dynamodb'])} | {_cell(cells['s3'])} | "
            f"{_cell(sorted(set(cells['secretsmanager'])))} | {_cell(cells['other'])} |"
        )
    return "\n".join(rows)


def main() -> int:
    print(markdown_table(Template(overrides={})))
    return 0


if __name__ == "__main__":
    sys.exit(main())
