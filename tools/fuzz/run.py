"""schemathesis over one served API: every operation, positive and negative data, all checks, tallied.

Unlike a plain `call_and_validate` test, a failing check does not stop the run:
each request is counted, so the table says how many requests were made, how
many answered 5xx and which checks failed how often.
"""

from __future__ import annotations

import contextlib
import math
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import schemathesis
from hypothesis import HealthCheck, Phase, Verbosity, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode

MAX_ROUNDS = 50


@dataclass
class Tally:
    api: str
    requests: int = 0
    server_errors: int = 0
    failed_checks: Counter[str] = field(default_factory=Counter)
    examples: Counter[str] = field(default_factory=Counter)  # each distinct failure: what, method, path

    def note(self, what: str, case: Any) -> None:
        self.examples[f"{what}: {case.method} {case.formatted_path}"] += 1


def fuzz(
    api: str,
    base_url: str,
    *,
    requests_wanted: int,
    headers: dict[str, str] | None = None,
    skip: Callable[[str], bool] = lambda _path: False,
    checks: Sequence[Callable[..., Any]] | None = None,
    tally: Tally | None = None,
) -> Tally:
    """At least `requests_wanted` requests spread over the document's operations (`checks=None`: all of them).

    Hypothesis stops early on operations with few distinct inputs, so rounds repeat until the budget is met.
    """
    tally = tally or Tally(api)
    schema = schemathesis.openapi.from_url(f"{base_url}/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]  # type: ignore[union-attr]
    operations = [operation for operation in operations if not skip(operation.path)]
    target = tally.requests + requests_wanted
    for _round in range(MAX_ROUNDS):
        missing = target - tally.requests
        if missing <= 0 or not operations:
            break
        per_mode = max(1, math.ceil(missing / len(operations) / len(GenerationMode)))
        for operation in operations:
            for mode in GenerationMode:
                _run(operation, mode, per_mode, headers or {}, list(checks) if checks else None, tally)
    return tally


def _run(
    operation: Any, mode: GenerationMode, examples: int, headers: dict[str, str], checks: Any, tally: Tally
) -> None:
    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate],  # no shrinking: every failure is counted, none retried
        suppress_health_check=list(HealthCheck),
        verbosity=Verbosity.quiet,
    )
    def one(case: schemathesis.Case) -> None:
        response = case.call(headers=headers, timeout=60)
        tally.requests += 1
        if response.status_code >= 500:
            tally.server_errors += 1
            tally.note(f"{response.status_code}", case)
        try:
            case.validate_response(response, checks=checks, headers=headers)
        except (Exception, BaseExceptionGroup) as failure:  # schemathesis raises a group of check failures
            names = {getattr(item, "title", type(item).__name__) for item in getattr(failure, "exceptions", [failure])}
            for name in names:
                tally.failed_checks[name] += 1
            tally.note(", ".join(sorted(names)), case)

    with contextlib.suppress(Unsatisfiable):  # nothing to make in this mode (an operation without inputs)
        one()


def table(tallies: Sequence[Tally]) -> str:
    lines = [f"{'API':<12} {'requests':>9} {'5xx':>5} {'check failures':>15}  failed checks"]
    for tally in tallies:
        failed = ", ".join(f"{name} ×{count}" for name, count in tally.failed_checks.most_common()) or "-"
        total = sum(tally.failed_checks.values())
        lines.append(f"{tally.api:<12} {tally.requests:>9} {tally.server_errors:>5} {total:>15}  {failed}")
    return "\n".join(lines)
