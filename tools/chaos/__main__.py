"""`make chaos`: each API's journeys under injected faults, then its invariants checked against the data.

It starts `make run`'s server with the fault proxy (`--faults`; the ports must be free, or a `make run
FAULTS=1` already running is used), and for each fault rate (10% and 30% by default) and each API:

1. sets the rules: that share of the requests to every dependency (DynamoDB, S3, SES, Secrets Manager,
   the Lightning wallet, Stripe, BTCPay) fails, each failure throttling, 500, 503 or a dropped connection,
   one in ten of them a hang past the SDK's read timeout; as many are slowed by 100 ms;
2. runs `--users` journeys of the API (tools/chaos/apis.py), `--concurrency` at a time, each request
   retried while the API answers its documented "unavailable";
3. turns the faults off, lets Stripe and BTCPay deliver what they still would (they retry for days), and
   checks the invariants against the tables, buckets, sent mail and the payment fakes.

It prints a table per API (requests, faults injected, answers by status, checks passed and failed) and
exits 1 if any invariant is violated, any 5xx is outside the API's documented answers, or a journey could
not finish.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from tools.chaos.apis import Api, Check, apis
from tools.chaos.client import Client, Tally, Unfinished
from tools.chaos.data import Data
from tools.local import bootstrap
from tools.local.faults.client import Faults
from tools.local.local_values import CONSOLE_PORT
from tools.local.running import EVERY_FUNCTION_WARM, local_stack
from tools.local.template import ROOT, Template

APIS = ("lnupload", "bank2xls", "cinq", "invoice_api", "filestore")
SERVICES = ("dynamodb", "s3", "ses", "secretsmanager", "lightning", "btcpay", "stripe")
CONSOLE = f"http://127.0.0.1:{CONSOLE_PORT}"
SERVER_LOG = ROOT / ".local" / "chaos-server.log"


def rules(rate: float) -> list[dict[str, Any]]:
    """`rate` of each dependency's requests fail (one in ten of those by hanging past the read timeout);
    as many again are answered 100 ms late."""
    return [
        rule
        for service in SERVICES
        for rule in (
            {"service": service, "error": ["throttle", "500", "503", "drop"], "rate": rate * 0.9},
            {"service": service, "error": "hang", "rate": rate * 0.1, "latency_ms": 2500},
            {"service": service, "rate": rate, "latency_ms": 100},
        )
    ]


@dataclass
class Result:
    api: str
    rate: float
    seconds: float
    tally: Tally
    injected: dict[str, Any]
    checks: list[Check]
    notes: list[str] = field(default_factory=list)

    @property
    def failed(self) -> list[Check]:
        return [check for check in self.checks if not check.passed]


def main() -> None:
    parser = argparse.ArgumentParser(
        prog="make chaos", description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--rates", default="0.1,0.3", help="fault rates per dependency (default 0.1,0.3)")
    parser.add_argument("--users", type=int, default=8, help="journeys per API and rate (default 8)")
    parser.add_argument("--concurrency", type=int, default=4, help="clients at a time (default 4)")
    parser.add_argument("--api", action="append", choices=APIS, help="only this API (repeatable)")
    parser.add_argument("--seed", type=int, default=None, help="the fault draws' seed (default: random)")
    args = parser.parse_args()
    rates = [float(rate) for rate in args.rates.split(",")]
    seed = args.seed if args.seed is not None else random.randrange(1_000_000)  # noqa: S311 - not a secret
    print(
        f"make chaos: rates {', '.join(f'{r:.0%}' for r in rates)}, {args.users} journeys per API and rate, "
        f"{args.concurrency} at a time, seed {seed}",
        file=sys.stderr,
    )
    with local_stack(SERVER_LOG, timeout=180, faults=True, environments=EVERY_FUNCTION_WARM):
        results = run(args.api or list(APIS), rates, args.users, args.concurrency, seed)
    print(report(results))
    sys.exit(1 if any(result.failed for result in results) else 0)


def run(
    names: list[str], rates: list[float], users: int, concurrency: int, seed: int, together: bool = False
) -> list[Result]:
    """Every API at every rate on the running stack, one API after the other (`together`: all at once, under
    the same rules; the faults injected are then their sum). SystemExit when the stack has no fault proxy."""
    bootstrap.install()
    faults = Faults(CONSOLE)
    if not faults.enabled:
        raise SystemExit("the local stack runs without fault injection: stop it, or start it with `make run FAULTS=1`")
    template = Template()
    results: list[Result] = []
    salt = random.Random(seed).randrange(250)  # noqa: S311 - source addresses of this run
    for rate_index, rate in enumerate(rates):
        run_id = f"{uuid.uuid4().hex[:6]}{rate_index}"
        first_account = 100_000 + random.Random(seed + rate_index).randrange(10_000) * 100  # noqa: S311
        factories = apis(run_id, first_account)
        batch = [factories[name]() for name in names]
        for group in [batch] if together else [[api] for api in batch]:
            for result in chaos(group, template, faults, rate, users, concurrency, seed + rate_index, salt):
                print(summary(result), file=sys.stderr)
                results.append(result)
    return results


def chaos(
    group: list[Api],
    template: Template,
    faults: Faults,
    rate: float,
    users: int,
    concurrency: int,
    seed: int,
    salt: int,
) -> list[Result]:
    """The journeys of the APIs in `group` (at the same time) under `rate`, then each one's checks."""
    tallies, clients = {}, {}
    for api in group:
        api.prepare(users)
        tallies[api.name] = tally = Tally(journeys=users)
        base = f"http://127.0.0.1:{template.api(api.name).port}"
        octet = 60 + int(rate * 100) % 100 + APIS.index(api.name)
        clients[api.name] = [
            Client(n, base, api.envelope, tally, CONSOLE, f"127.{octet}.{salt}.{n + 2}") for n in range(users)
        ]
    started = time.perf_counter()
    seconds: dict[str, float] = {}

    def journeys(api: Api) -> None:
        for phase in api.phases():
            _each(clients[api.name], concurrency, phase, tallies[api.name])
        seconds[api.name] = time.perf_counter() - started

    faults.set(rules(rate), seed=seed, reset_stats=True)
    try:
        with ThreadPoolExecutor(max_workers=len(group)) as pool:
            list(pool.map(journeys, group))
    finally:
        faults.clear()
    injected = faults.stats()
    results = []
    for api in group:
        api.settle(CONSOLE)
        checks = [*promises(tallies[api.name]), *api.checks(Data(template, CONSOLE))]
        results.append(Result(api.name, rate, seconds[api.name], tallies[api.name], injected, checks, api.notes))
    return results


def _each(clients: list[Client], concurrency: int, step: Callable[[Client], None], tally: Tally) -> None:
    def journey(client: Client) -> None:
        try:
            step(client)
        except Unfinished as stopped:
            tally.stopped(str(stopped))
        except Exception as failure:  # a broken journey stops; the others go on
            tally.stopped(f"{type(failure).__name__}: {failure}")

    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        list(pool.map(journey, clients))


def promises(tally: Tally) -> list[Check]:
    """What every API promises its clients whatever fails behind it."""
    envelope = Check("5xx only as the documented unavailable answer, with Retry-After (lnupload: always HTTP 200)")
    envelope.checked = tally.requests
    envelope.failures = list(tally.outside)
    finished = Check("every journey finished: each retry after an unavailable answer could go on")
    finished.checked = tally.journeys
    finished.failures = list(tally.unfinished)
    return [envelope, finished]


# ------------------------------------------------------------------------------------------------ report
def _faults(injected: dict[str, Any]) -> str:
    total = sum(service["faults"] for service in injected.values())
    each = ", ".join(f"{name} {service['faults']}" for name, service in injected.items() if service["faults"])
    return f"{total} ({each})" if each else "0"


def _statuses(tally: Tally) -> str:
    return ", ".join(f"{status or 'no answer'}: {count}" for status, count in sorted(tally.statuses.items()))


def summary(result: Result) -> str:
    verdict = "ok" if not result.failed else f"{len(result.failed)} check(s) FAILED"
    return (
        f"  {result.api} at {result.rate:.0%}: {result.tally.requests} requests in {result.seconds:.0f} s, "
        f"faults {_faults(result.injected)}, {verdict}"
    )


def report(results: list[Result]) -> str:
    lines: list[str] = []
    for name in dict.fromkeys(result.api for result in results):
        lines += [
            f"### {name}",
            "",
            "| faults | journeys | requests | faults injected (by dependency) | answers by status "
            "| of which unavailable (retried) | checks passed | failed |",
            "|---|---|---|---|---|---|---|---|",
        ]
        details: list[str] = []
        for result in (r for r in results if r.api == name):
            passed = len(result.checks) - len(result.failed)
            lines.append(
                f"| {result.rate:.0%} | {result.tally.journeys} | {result.tally.requests} | {_faults(result.injected)} "
                f"| {_statuses(result.tally)} | {result.tally.unavailable} | {passed}/{len(result.checks)} "
                f"| {len(result.failed)} |"
            )
            for check in result.failed:
                shown = "; ".join(check.failures[:5]) + (" ..." if len(check.failures) > 5 else "")
                details.append(f"- at {result.rate:.0%}, FAILED: {check.name} ({len(check.failures)}): {shown}")
            details += [f"- at {result.rate:.0%}: {note}" for note in result.notes]
        first = next(result for result in results if result.api == name)
        lines += ["", *details, "Checked: " + "; ".join(check.name for check in first.checks) + ".", ""]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
