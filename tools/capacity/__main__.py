"""`make capacity`: each API's documented journeys by many users, every DynamoDB call recorded, the ceilings.

Locally (the default) it starts `make run`'s server with recording on (tools/capacity/recorder.py: botocore
event hooks in every function worker), runs each API's mix (tools/capacity/journeys.py) with `--users`
users, `--concurrency` at a time, stops the server, then prints the model (tools/capacity/model.py) per API.
The local ports must be free: it starts its own server.

Against a deployed stack (`LNUPLOAD_URL=https://... CINQ_URL=... make capacity`, the e2e variables) it replays
the same mix on the APIs given, without the steps only the local dev console allows, and prints what the
client saw (requests, unexpected answers, latency): its DynamoDB side is in CloudWatch
(ConsumedWrite/ReadCapacityUnits, ThrottledRequests) to hold against the model.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import boto3

from tools import seed
from tools.capacity import journeys, model, recorder, report
from tools.capacity.journeys import Stats, Unexpected, User
from tools.local.local_values import CONSOLE_PORT, LOCAL_SECRETS, MOTO_PORT
from tools.local.running import StackUnavailable, local_stack
from tools.local.template import LOCAL_REGION, ROOT, Template, local_parameter_overrides

# bank2xls first: reading its e-mailed codes on the dev console dumps moto's whole state, which the others grow
APIS = ("bank2xls", "cinq", "invoice_api", "filestore", "lnupload")
RECORD = ROOT / ".local" / "capacity.jsonl"
SERVER_LOG = ROOT / ".local" / "capacity-server.log"
CONSOLE = f"http://127.0.0.1:{CONSOLE_PORT}"
FIRST_ACCOUNT = 1001  # invoice_api accounts made for the run: ids above the demo users'
# Live environments for the server: make run's 24, shared by invoice_api's ten functions at six users at a time,
# stop and start them all the time, and each new one refills what Lambda's long-lived ones keep (cached
# reads, id blocks): the recording would count those refills as if Lambda made them on every few requests.
ENVIRONMENTS = 64


def main() -> None:
    parser = argparse.ArgumentParser(prog="make capacity", description=__doc__)
    parser.add_argument("--users", type=int, default=60, help="users per API (default 60)")
    parser.add_argument("--concurrency", type=int, default=6, help="users at a time (default 6)")
    parser.add_argument(
        "--environments",
        type=int,
        default=ENVIRONMENTS,
        help=f"live execution environments of the local server (default {ENVIRONMENTS}; make run's is 24)",
    )
    parser.add_argument("--api", action="append", choices=APIS, help="only this API (repeatable)")
    parser.add_argument("--record", type=Path, default=RECORD, help=f"the recording (default {RECORD})")
    parser.add_argument("--analyse", action="store_true", help="only analyse an existing recording")
    parser.add_argument("--readme", action="store_true", help="write the summary table into README.md")
    parser.add_argument(
        "--target", type=float, default=report.TARGET, help=f"requests/s to size the throttles for ({report.TARGET:,})"
    )
    parser.add_argument(
        "--parameter",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a template parameter for the model (e.g. ApiThrottlingRateLimit=400; repeatable)",
    )
    args = parser.parse_args()
    apis = args.api or list(APIS)
    deployed = {api: os.environ[f"{api.upper()}_URL"].rstrip("/") for api in apis if f"{api.upper()}_URL" in os.environ}
    if deployed:
        replay(deployed, args.users, args.concurrency)
        return
    if not args.analyse:
        try:
            record(apis, args.record, args.users, args.concurrency, args.environments)
        except StackUnavailable as failure:
            raise SystemExit(f"{failure} (make capacity starts its own server, recording)") from None
    overrides = dict(parameter.split("=", 1) for parameter in args.parameter)
    models = analyse(args.record, apis, overrides, args.target)
    if args.readme:
        report.write_readme(ROOT / "README.md", models, args.target)
        print("README.md: capacity table written")


def analyse(
    path: Path, apis: list[str], overrides: dict[str, str] | None = None, target: float = report.TARGET
) -> list[model.ApiModel]:
    template = Template(overrides={**local_parameter_overrides(), **(overrides or {})})
    recorded = model.phases(model.read_records(path))
    models = [model.analyse(api, recorded[api], template) for api in apis if api in recorded]
    for each in models:
        print(report.block(each, target), end="\n\n")
    if len(models) > 1:
        print(report.together(models))
        print(f"{target:,.0f} requests/s of every API's mix needs {report.settings(report.needed(models, target))}")
    return models


# ------------------------------------------------------------------------------------------- local recording
def record(apis: list[str], path: Path, users: int, concurrency: int, environments: int = ENVIRONMENTS) -> None:
    path.parent.mkdir(exist_ok=True)
    path.write_text("")
    template = Template()
    with local_stack(SERVER_LOG, 120, environments=environments, environment=recorder.environment(str(path))):
        for position, api in enumerate(apis):
            stats = Stats()
            started = time.perf_counter()
            run_api(api, template, path, users, concurrency, stats, position)
            stats.seconds = time.perf_counter() - started
            print(client_summary(api, stats), file=sys.stderr)


def run_api(
    api: str, template: Template, path: Path, users: int, concurrency: int, stats: Stats, position: int
) -> None:
    base = f"http://127.0.0.1:{template.api(api).port}"
    setup = Stats()
    people = [User(n, base, stats, CONSOLE, f"127.{20 + position}.{n // 200}.{n % 200 + 2}") for n in range(users)]
    steps: list[Callable[[User], None]]
    if api == "cinq":
        cinq = journeys.Cinq(LOCAL_SECRETS["CinqAdminApiKeySecret"])
        _each(people, concurrency, lambda user: cinq.prepare(_reporting_to(user, setup)))
        steps = [cinq.join, cinq.circle]
    elif api == "invoice_api":
        steps = [journeys.InvoiceApi(invoice_api_accounts(template, users)).visit]
    else:
        steps = [{"lnupload": journeys.lnupload, "bank2xls": journeys.bank2xls, "filestore": journeys.filestore}[api]]
    for user in people:
        user.stats = stats
    _mark(path, api, "start")
    for step in steps:
        _each(people, concurrency, step)
    _quiet(path)  # webhooks (Stripe, BTCPay) arrive a moment after the journeys end
    _mark(path, api, "end")


def _reporting_to(user: User, stats: Stats) -> User:
    user.stats = stats
    return user


def _each(people: list[User], concurrency: int, step: Callable[[User], None]) -> None:
    def run(user: User) -> None:
        try:
            step(user)
        except Unexpected as problem:
            print(f"   {user.name}: {problem}", file=sys.stderr)
        except Exception as failure:  # a journey that breaks stops, the others go on
            print(f"   {user.name}: {type(failure).__name__}: {failure}", file=sys.stderr)

    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        list(pool.map(run, people))


def _mark(path: Path, api: str, event: str) -> None:
    with path.open("a") as out:
        out.write(json.dumps({"type": "phase", "api": api, "event": event}) + "\n")


def _quiet(path: Path, seconds: float = 2.0, limit: float = 30.0) -> None:
    deadline = time.monotonic() + limit
    size = -1
    while time.monotonic() < deadline and path.stat().st_size != size:
        size = path.stat().st_size
        time.sleep(seconds)


def invoice_api_accounts(template: Template, users: int) -> dict[int, tuple[int, str, str]]:
    """Unmeasured set-up: one invoice_api account per user (the API has no sign-up; `make seed` adds the demo)."""
    password = "capacity-password"  # noqa: S105 - local accounts for the run
    dynamodb = boto3.client(
        "dynamodb",
        endpoint_url=f"http://127.0.0.1:{MOTO_PORT}",
        region_name=LOCAL_REGION,
        aws_access_key_id="local",
        aws_secret_access_key="local",  # noqa: S106 - moto
    )
    accounts = {
        number: (FIRST_ACCOUNT + number, f"capacity-{FIRST_ACCOUNT + number}@example.com", password)
        for number in range(users)
    }
    seed.write_invoice_api_accounts(
        dynamodb,
        template.physical_name("InvoiceApiTable"),
        [(user_id, email) for user_id, email, _ in accounts.values()],
        "Cap",
        password,
    )
    return accounts


# ------------------------------------------------------------------------------------------- deployed replay
def replay(urls: dict[str, str], users: int, concurrency: int) -> None:
    """The mix against deployed APIs: what the client sees (no recording there)."""
    console = os.environ.get("CONSOLE_URL")
    for api, base in urls.items():
        stats = Stats()
        people = [User(n, base, stats, console, None) for n in range(users)]
        started = time.perf_counter()
        if api == "cinq":
            cinq = journeys.Cinq(os.environ.get("CINQ_ADMIN_KEY"))
            _each(people, concurrency, cinq.prepare)
            steps = [cinq.join, cinq.circle]
        elif api == "invoice_api":
            steps = [journeys.InvoiceApi().visit]
        else:
            steps = [
                {"lnupload": journeys.lnupload, "bank2xls": journeys.bank2xls, "filestore": journeys.filestore}[api]
            ]
        for step in steps:
            _each(people, concurrency, step)
        stats.seconds = time.perf_counter() - started
        print(client_summary(api, stats))


def client_summary(api: str, stats: Stats) -> str:
    if not stats.requests:
        return f"{api}: no requests"
    latencies = sorted(stats.latencies)
    p95 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.95))]
    unexpected = ", ".join(f"{what} x{count}" for what, count in stats.unexpected.most_common(5)) or "none"
    return (
        f"{api}: {stats.requests:,} requests in {stats.seconds:.0f} s ({stats.requests / stats.seconds:.1f}/s), "
        f"median {statistics.median(latencies) * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms; unexpected: {unexpected}"
    )


if __name__ == "__main__":
    main()
