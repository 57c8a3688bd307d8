"""The AWS API calls made in this process, recorded on botocore's event system.

`install()` appends two handlers to botocore's built-in handler list, which every botocore
session registers on its event emitter when it is created (boto3's sessions and pynamodb's
alike), and every client copies from its session. So every client created after `install()`
is seen, whatever session it comes from; a client created before is not, so install first.

    with recording() as calls:
        ...
    calls.operations("dynamodb")  # ["GetItem", "TransactWriteItems"]

Outside a `recording()` the handlers do nothing. With `consumed_capacity=True`, DynamoDB reads
are sent with ReturnConsumedCapacity=TOTAL (the recorded params are the caller's, without it).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

DYNAMODB_READS = ("Query", "Scan", "GetItem", "BatchGetItem")
_PARAMS = "bench.params"  # where a call's parameters wait in botocore's per-request context


@dataclass(frozen=True)
class Call:
    service: str  # botocore's service name: "dynamodb", "secretsmanager", "s3"
    operation: str  # "Query"
    params: dict[str, Any]  # as the caller passed them
    status: int  # HTTP status of the answer
    response: dict[str, Any]  # parsed answer (an error's too)


@dataclass(eq=False)
class Recording:
    consumed_capacity: bool = False
    calls: list[Call] = field(default_factory=list)

    def of(self, service: str) -> list[Call]:
        return [call for call in self.calls if call.service == service]

    def operations(self, service: str) -> list[str]:
        return [call.operation for call in self.of(service)]

    def summary(self) -> str:
        """`2 dynamodb, 1 secretsmanager`."""
        counts = Counter(call.service for call in self.calls)
        return ", ".join(f"{count} {service}" for service, count in counts.items()) or "none"


_recordings: list[Recording] = []


def _before_parameter_build(params: dict[str, Any], model: Any, context: dict[str, Any], **_: Any) -> None:
    if not _recordings:
        return
    context[_PARAMS] = dict(params)
    service = model.service_model.service_name
    if service == "dynamodb" and model.name in DYNAMODB_READS and any(r.consumed_capacity for r in _recordings):
        params["ReturnConsumedCapacity"] = "TOTAL"


def _after_call(http_response: Any, parsed: dict[str, Any], model: Any, context: dict[str, Any], **_: Any) -> None:
    if not _recordings or _PARAMS not in context:
        return
    call = Call(model.service_model.service_name, model.name, context[_PARAMS], http_response.status_code, parsed)
    for recording_ in _recordings:
        recording_.calls.append(call)


def install() -> None:
    """Every botocore session created from now on records calls (idempotent)."""
    from botocore import handlers

    ours = [("before-parameter-build", _before_parameter_build), ("after-call", _after_call)]
    for spec in ours:
        if spec not in handlers.BUILTIN_HANDLERS:
            handlers.BUILTIN_HANDLERS.append(spec)


@contextmanager
def recording(consumed_capacity: bool = False) -> Iterator[Recording]:
    install()
    current = Recording(consumed_capacity)
    _recordings.append(current)
    try:
        yield current
    finally:
        _recordings.remove(current)
