"""Fault rules: which requests of which dependency fail, how, and how often; and what was injected.

A rule is `{service, operation, error, rate, latency_ms}`:

- `service`: `dynamodb`, `s3`, `ses` (mail), `secretsmanager` (the AWS services behind the fault proxy), or
  `lightning`, `btcpay`, `stripe` (the payment fakes); `*` for all;
- `operation`: the call, a glob (`*` by default): `PutItem`, `Transact*`, `SendEmail`, `PutObject`,
  `GetSecretValue`; for the payment fakes `<METHOD> <path>` (`POST /api/v1/payments`,
  `GET /api/v1/stores/*/invoices/*`, `POST /v1/checkout/sessions`);
- `error`: one of these, or a list of them (one drawn per hit): `throttle` (the service's own throttling error:
  ProvisionedThroughputExceededException, SlowDown, Throttling/TooManyRequests, ThrottlingException; 429 from a
  payment fake), `500`, `503`, `drop` (the connection is closed without an answer), `hang` (nothing is answered
  for `latency_ms`, 30 s by default, then the connection is closed), or none for latency alone;
- `rate`: the share of matching requests it hits (0..1, each request drawn independently);
- `latency_ms`: added before the request is answered (or forwarded), when the rule hits.

Every rule is drawn for every matching request: latencies add up, the first error drawn wins. Injected
faults are rejections: the request never reaches the service, as a throttled or refused call never did.
"""

from __future__ import annotations

import fnmatch
import random
import threading
from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any

AWS_SERVICES = ("dynamodb", "s3", "ses", "secretsmanager")
PAYMENT_SERVICES = ("lightning", "btcpay", "stripe")
ERRORS = ("throttle", "500", "503", "drop", "hang")
HANG_SECONDS = 30.0


class InvalidRule(ValueError):
    """A rule that names no known service or error, or a rate outside 0..1."""


@dataclass(frozen=True)
class Rule:
    service: str
    operation: str = "*"
    error: str | tuple[str, ...] | None = None
    rate: float = 1.0
    latency_ms: int = 0

    @property
    def errors(self) -> tuple[str, ...]:
        if self.error is None:
            return ()
        return (self.error,) if isinstance(self.error, str) else self.error

    @classmethod
    def parse(cls, raw: Any) -> Rule:
        if not isinstance(raw, dict):
            raise InvalidRule("a rule is an object: {service, operation, error, rate, latency_ms}")
        unknown = set(raw) - {"service", "operation", "error", "rate", "latency_ms"}
        if unknown:
            raise InvalidRule(f"unknown rule fields: {', '.join(sorted(unknown))}")
        service = raw.get("service")
        if service != "*" and service not in AWS_SERVICES + PAYMENT_SERVICES:
            raise InvalidRule(f"service: one of *, {', '.join(AWS_SERVICES + PAYMENT_SERVICES)}")
        error = raw.get("error")
        listed = [] if error in (None, "", "none") else [error] if isinstance(error, (str, int)) else error
        if not isinstance(listed, list) or any(str(kind) not in ERRORS for kind in listed):
            raise InvalidRule(f"error: one of {', '.join(ERRORS)} (or a list of them), or none for latency only")
        kinds: list[str] = [str(kind) for kind in listed]
        try:
            rate = float(raw.get("rate", 1.0))
            latency = int(raw.get("latency_ms", 0))
        except (TypeError, ValueError):
            raise InvalidRule("rate is a number 0..1, latency_ms an integer") from None
        if not 0.0 <= rate <= 1.0 or not 0 <= latency <= 120_000:
            raise InvalidRule("rate is 0..1, latency_ms 0..120000")
        operation = raw.get("operation") or "*"
        if not isinstance(operation, str):
            raise InvalidRule("operation is a string (a glob)")
        chosen: str | tuple[str, ...] | None = None
        if kinds:
            chosen = kinds[0] if len(kinds) == 1 else tuple(kinds)
        return cls(str(service), operation, chosen, rate, latency)

    def matches(self, service: str, operation: str) -> bool:
        return self.service in ("*", service) and fnmatch.fnmatchcase(operation, self.operation)


@dataclass(frozen=True)
class Decision:
    """What to do with one request: wait `delay` seconds, then fail with `error` (None: answer normally)."""

    delay: float = 0.0
    error: str | None = None

    @property
    def hang_seconds(self) -> float:
        return self.delay or HANG_SECONDS


@dataclass
class _Tally:
    requests: int = 0
    delayed: int = 0
    errors: Counter[str] = field(default_factory=Counter)

    def public(self) -> dict[str, Any]:
        shown = asdict(self)
        shown["errors"] = dict(self.errors)
        shown["faults"] = sum(self.errors.values())
        return shown


class Rules:
    """The rules in force and what they injected, shared by the AWS proxy and the payment fakes (thread-safe)."""

    def __init__(self, seed: int | None = None) -> None:
        self._lock = threading.Lock()
        self._rules: tuple[Rule, ...] = ()
        self._random = random.Random(seed)  # noqa: S311 - fault draws, not secrets
        self._tallies: dict[tuple[str, str], _Tally] = {}

    @property
    def rules(self) -> tuple[Rule, ...]:
        return self._rules

    def replace(self, rules: list[Rule], seed: int | None = None) -> None:
        with self._lock:
            self._rules = tuple(rules)
            if seed is not None:
                self._random.seed(seed)

    def clear(self) -> None:
        self.replace([])

    def reset_stats(self) -> None:
        with self._lock:
            self._tallies.clear()

    def decide(self, service: str, operation: str) -> Decision:
        """Draws every matching rule for one request of `service`, and counts it."""
        delay, error = 0.0, None
        with self._lock:
            for rule in self._rules:
                if not rule.matches(service, operation) or self._random.random() >= rule.rate:
                    continue
                delay += rule.latency_ms / 1000
                if error is None and rule.errors:
                    error = self._random.choice(rule.errors)
            tally = self._tallies.setdefault((service, operation), _Tally())
            tally.requests += 1
            tally.delayed += delay > 0 and error != "hang"
            if error is not None:
                tally.errors[error] += 1
        return Decision(delay, error)

    def stats(self) -> dict[str, Any]:
        """Per service: requests, faults (by error), delayed requests; and the same per operation."""
        with self._lock:
            tallies = {key: _Tally(t.requests, t.delayed, Counter(t.errors)) for key, t in self._tallies.items()}
        services: dict[str, Any] = {}
        for (service, operation), tally in sorted(tallies.items()):
            total = services.setdefault(service, {"total": _Tally(), "operations": {}})
            total["total"].requests += tally.requests
            total["total"].delayed += tally.delayed
            total["total"].errors.update(tally.errors)
            total["operations"][operation] = tally.public()
        return {name: {**each["total"].public(), "operations": each["operations"]} for name, each in services.items()}

    def public(self) -> list[dict[str, Any]]:
        return [
            {**asdict(rule), "error": list(rule.error) if isinstance(rule.error, tuple) else rule.error}
            for rule in self._rules
        ]
