"""`make capacity`'s recording inside the local function workers: each invocation and its AWS calls.

Two hook points, both off unless CAPACITY_RECORD names a file:

- botocore's client plugins: botocore imports the modules named in BOTOCORE_EXPERIMENTAL__PLUGINS
  (`capacity=tools.capacity.recorder`) for every client it creates, boto3's and pynamodb's alike, and calls
  `initialize_client_plugin(client)`. In a function worker this registers event hooks on the client:
  `before-parameter-build` (the request), `before-call` and `after-call` (the answer, also for a refused
  conditional write or a cancelled transaction, which DynamoDB charges too). Nothing is patched and no code
  of the functions knows about it.
- `invocation(event)`, which the local worker (tools/local/worker.py) opens around each event: the calls are
  attributed to it, and it is recorded with its function, route, caller address and timings: wall clock, CPU
  time, time waiting for a CPU (this machine is shared: /proc/self/schedstat) and time waiting for AWS
  (moto here), from which the model estimates what the invocation would take on Lambda.

Every record is one JSON line appended with a single write (O_APPEND), so parallel workers never interleave.
"""

from __future__ import annotations

import json
import os
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tools.capacity.units import accesses

RECORD = "CAPACITY_RECORD"
PLUGIN = "capacity=tools.capacity.recorder"
SCHEDSTAT = Path("/proc/self/schedstat")  # Linux: ns on a CPU, ns waiting for one, time slices
_current: dict[str, Any] = {}
_served = [0]  # invocations this worker has served


def environment(path: str) -> dict[str, str]:
    """What a local stack's environment needs for its workers to record into `path`."""
    return {RECORD: path, "BOTOCORE_EXPERIMENTAL__PLUGINS": PLUGIN}


def initialize_client_plugin(client: Any) -> None:
    """botocore's plugin entry point, called for every new client."""
    if not os.environ.get(RECORD) or "AWS_LAMBDA_FUNCTION_NAME" not in os.environ:
        return  # the stack's own process (provisioning, seeds, console) is not a function
    client.meta.events.register("before-parameter-build", _remember_params)
    client.meta.events.register("before-call", _started)
    client.meta.events.register("after-call", _record_call)


@contextmanager
def invocation(event: dict[str, Any]) -> Iterator[None]:
    context = event.get("requestContext") or {}
    _current.update(id=uuid.uuid4().hex, calls=Counter(), aws_ms=0.0)
    wall, cpu, queued = time.perf_counter(), time.process_time(), _run_queue_ns()
    try:
        yield
    finally:
        _write(
            {
                "type": "invocation",
                "invocation": _current["id"],
                "function": os.environ.get("AWS_LAMBDA_FUNCTION_NAME"),
                "memory_mb": int(os.environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "0")),
                "route": context.get("routeKey") or event.get("routeKey"),
                "caller": (context.get("http") or {}).get("sourceIp"),
                "ms": _ms(time.perf_counter() - wall),
                "cpu_ms": _ms(time.process_time() - cpu),
                "queued_ms": _ms((_run_queue_ns() - queued) / 1e9),
                "aws_ms": round(_current["aws_ms"], 2),
                "calls": dict(_current["calls"]),  # service -> calls
                "first": _served[0] == 0,  # the first of an environment creates its clients: not a typical one
            }
        )
        _served[0] += 1
        _current.clear()


def _remember_params(params: dict[str, Any], context: dict[str, Any], **_: Any) -> None:
    context["capacity_params"] = params


def _started(context: dict[str, Any], **_: Any) -> None:
    context["capacity_started"] = time.perf_counter()


def _record_call(parsed: dict[str, Any], model: Any, context: dict[str, Any], **_: Any) -> None:
    service = model.service_model.service_name
    if _current:
        _current["calls"][service] += 1
        _current["aws_ms"] += (time.perf_counter() - context.get("capacity_started", time.perf_counter())) * 1000
    if service != "dynamodb":
        return
    record = {
        "type": "call",
        "invocation": _current.get("id"),
        "function": os.environ.get("AWS_LAMBDA_FUNCTION_NAME"),
        "operation": model.name,
        "error": (parsed.get("Error") or {}).get("Code"),
    }
    try:
        record["accesses"] = [access.as_json() for access in accesses(model.name, context["capacity_params"], parsed)]
    except Exception as exc:  # a measuring hook never breaks the function it measures
        record["unreadable"] = repr(exc)
    _write(record)


def _run_queue_ns() -> int:
    try:
        return int(SCHEDSTAT.read_text().split()[1])
    except (OSError, IndexError, ValueError):
        return 0


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 2)


def _write(record: dict[str, Any]) -> None:
    line = (json.dumps(record, separators=(",", ":")) + "\n").encode()
    descriptor = os.open(os.environ[RECORD], os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(descriptor, line)
    finally:
        os.close(descriptor)
