"""In-process faults for integration tests: a shared AWS client answers an operation with the service's error,
or the invocation "dies" right after a call (to check that a retry can finish what it left)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from botocore.exceptions import ClientError

from shared import aws


class Killed(BaseException):
    """The invocation stops here, as when Lambda kills it at its timeout: no except/finally of ours runs."""


def _event(service: str, operation: str, when: str) -> str:
    service_id = aws.client(service).meta.service_model.service_id.hyphenize()
    return f"{when}.{service_id}.{operation}"


@contextmanager
def failing(
    service: str,
    operation: str = "*",
    code: str = "ServiceUnavailable",
    status: int = 503,
    times: int | None = None,
    skip: int = 0,
) -> Iterator[list[int]]:
    """`operation` (or every one) of `service` fails with `code` (`times` times, or always), after `skip` such
    calls went through; yields [calls failed]."""
    failed = [0]
    passed = [0]

    def refuse(model: Any, **_: Any) -> None:
        if operation not in ("*", model.name) or (times is not None and failed[0] >= times):
            return
        if passed[0] < skip:
            passed[0] += 1
            return
        failed[0] += 1
        error = {"Error": {"Code": code, "Message": "injected"}, "ResponseMetadata": {"HTTPStatusCode": status}}
        raise ClientError(error, model.name)  # type: ignore[arg-type]

    events = aws.client(service).meta.events
    name = _event(service, "*", "before-call").removesuffix(".*")
    events.register(name, refuse)
    try:
        yield failed
    finally:
        events.unregister(name, refuse)


@contextmanager
def killed_after(
    calls: int = 1, operation: str | None = None, services: tuple[str, ...] = ("dynamodb", "s3", "sesv2")
) -> Iterator[list[str]]:
    """The invocation dies right after its `calls`-th AWS call (of `operation`, or any) has been applied, as when
    Lambda stops it at its timeout: nothing after it runs, not even our except clauses. Yields the calls made."""
    made: list[str] = []
    counted = [0]

    def count(model: Any, **_: Any) -> None:
        made.append(model.name)
        if operation in (None, model.name):
            counted[0] += 1
            if counted[0] == calls:
                raise Killed(model.name)

    hooks = [
        (aws.client(service).meta.events, _event(service, "*", "after-call").removesuffix(".*")) for service in services
    ]
    for events, name in hooks:
        events.register(name, count)
    try:
        yield made
    finally:
        for events, name in hooks:
            events.unregister(name, count)
