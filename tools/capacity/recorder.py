"""`make capacity`'s recording inside the local function workers: each invocation and its DynamoDB calls.

Two hook points, both off unless CAPACITY_RECORD names a file:

- botocore's client plugins: botocore imports the modules named in BOTOCORE_EXPERIMENTAL__PLUGINS
  (`capacity=tools.capacity.recorder`) for every client it creates, boto3's and pynamodb's alike, and calls
  `initialize_client_plugin(client)`; on a DynamoDB client of a function worker this registers two event hooks,
  `before-parameter-build.dynamodb` (the request) and `after-call.dynamodb` (the answer, also for a refused
  conditional write or a cancelled transaction, which DynamoDB charges too). Nothing is patched and no code
  of the functions knows about it.
- `invocation(event)`, which the local worker (tools/local/worker.py) opens around each event: the calls are
  attributed to it, and it is recorded with its function, route, caller address and duration.

Every record is one JSON line appended with a single write (O_APPEND), so parallel workers never interleave.
"""

from __future__ import annotations

import json
import os
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from tools.capacity.units import accesses

RECORD = "CAPACITY_RECORD"
PLUGIN = "capacity=tools.capacity.recorder"
_current: dict[str, Any] = {}
_served = [0]  # invocations this worker has served


def environment(path: str) -> dict[str, str]:
    """What a local stack's environment needs for its workers to record into `path`."""
    return {RECORD: path, "BOTOCORE_EXPERIMENTAL__PLUGINS": PLUGIN}


def initialize_client_plugin(client: Any) -> None:
    """botocore's plugin entry point, called for every new client."""
    if not os.environ.get(RECORD) or "AWS_LAMBDA_FUNCTION_NAME" not in os.environ:
        return  # the stack's own process (provisioning, seeds, console) is not a function
    if client.meta.service_model.service_name != "dynamodb":
        return
    client.meta.events.register("before-parameter-build.dynamodb", _remember_params)
    client.meta.events.register("after-call.dynamodb", _record_call)


@contextmanager
def invocation(event: dict[str, Any]) -> Iterator[None]:
    context = event.get("requestContext") or {}
    _current.update(id=uuid.uuid4().hex, calls=0)
    start = time.perf_counter()
    try:
        yield
    finally:
        _write(
            {
                "type": "invocation",
                "invocation": _current["id"],
                "function": os.environ.get("AWS_LAMBDA_FUNCTION_NAME"),
                "route": context.get("routeKey") or event.get("routeKey"),
                "caller": (context.get("http") or {}).get("sourceIp"),
                "ms": round((time.perf_counter() - start) * 1000, 2),
                "calls": _current["calls"],
                "first": _served[0] == 0,  # the first of an environment creates its clients: not a typical duration
            }
        )
        _served[0] += 1
        _current.clear()


def _remember_params(params: dict[str, Any], context: dict[str, Any], **_: Any) -> None:
    context["capacity_params"] = params


def _record_call(parsed: dict[str, Any], model: Any, context: dict[str, Any], **_: Any) -> None:
    if _current:
        _current["calls"] += 1
    record = {
        "type": "call",
        "invocation": _current.get("id"),
        "function": os.environ.get("AWS_LAMBDA_FUNCTION_NAME"),
        "operation": model.name,
        "error": (parsed.get("Error") or {}).get("Code"),
    }
    try:
        record["accesses"] = [access.as_json() for access in accesses(model.name, context["capacity_params"], parsed)]
    except Exception as exc:
        record["unreadable"] = repr(exc)
    _write(record)


def _write(record: dict[str, Any]) -> None:
    line = (json.dumps(record, separators=(",", ":")) + "\n").encode()
    descriptor = os.open(os.environ[RECORD], os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(descriptor, line)
    finally:
        os.close(descriptor)
