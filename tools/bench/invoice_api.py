"""invoice_api for `make bench`: GET /api/v1/invoices with filters on 10,000 seeded invoices.

`bench(stack_endpoint)` needs a running local stack (tools.local.server.LocalStack: moto at
`stack_endpoint`, invoice_api on its template port). It seeds the demo users and 10,000 invoices
(idempotent), then for each filter reports:

- the median time of one request over HTTP on the local server (login once, then keep-alive);
- the DynamoDB requests one list request makes, and the read capacity units they consume, computed the
  way DynamoDB charges them (item sizes by DynamoDB's rules; a Query page is one read of its items' total
  size rounded up to 4 KB, half a unit eventually consistent, as index queries are; a GetItem or
  BatchGetItem item is rounded up on its own). The handler is called in-process for this, its calls
  recorded on botocore's events (tools.bench.recorder) with ReturnConsumedCapacity=TOTAL on every
  read: moto answers a flat 1.0 per call whatever it read, shown beside for comparison, so the
  computed figure is the one to read.
"""

from __future__ import annotations

import json
import os
import statistics
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import requests

from tools.bench import recorder
from tools.bench.traffic import UnexpectedAnswer, expect_status
from tools.capacity import units
from tools.local import bootstrap
from tools.local.template import ROOT, Template
from tools.local.worker import LambdaContext

COUNT = 10_000
REQUESTS = int(os.environ.get("BENCH_RUNS", "7"))  # timed requests per filter, after one warm-up


@dataclass
class Reads:
    calls: list[str] = field(default_factory=list)
    units: float = 0.0
    moto_units: float = 0.0
    items: int = 0


def bench(stack_endpoint: str) -> None:
    template = Template()
    base = f"http://127.0.0.1:{template.api('invoice_api').port}/api/v1"
    seeded = _seed(template, stack_endpoint)
    print(f"\n== invoice_api: GET /api/v1/invoices on {COUNT:,} seeded invoices ({seeded})")
    session = requests.Session()
    login = {"email": "example.one@example.com", "password": "password"}
    token = expect_status(session.post(f"{base}/login", json=login, timeout=30), 200).json()["data"]["token"]
    session.headers["Authorization"] = f"Bearer {token}"
    month_ago = (datetime.now(UTC) - timedelta(days=30)).date().isoformat()
    cases = {
        "user_id[eq]=1": "ByUser",
        f"paid[eq]=1&payment_date[gte]={month_ago}": "ByPaymentDate",
        "type[eq]=B&value[gt]=15000": "ByType",
        "value[gte]=100&value[lte]=150": "ByType x3",
        "paid[eq]=0": "ByPaid",
        "(no filter)": "ByPaid x2",
    }
    print(f"{'filter':<44} {'index':<14} {'matches':>7} {'median':>9} {'reads':>34} {'RCU':>7} {'moto':>6}")
    failed: list[int | None] = []
    with _handler_environment(template, stack_endpoint):
        for query, index in cases.items():
            url = f"{base}/invoices" + ("" if query.startswith("(") else f"?{query}")
            try:
                total, seconds = _timed(session, url)
                timing = f"{total:>7} {seconds * 1000:>6.0f} ms"
            except UnexpectedAnswer as refused:
                failed.append(refused.status)
                timing = f"{'':>7} {f'HTTP {refused.status}':>9}"
            reads = _reads(token, "" if query.startswith("(") else query)
            calls = ", ".join(f"{reads.calls.count(name)} {name}" for name in dict.fromkeys(reads.calls))
            print(f"{query:<44} {index:<14} {timing} {calls:>34} {reads.units:>7.1f} {reads.moto_units:>6.1f}")
    print("RCU: computed from the bytes each request read (DynamoDB's rules); moto: what moto reports.")
    if failed:
        print("HTTP 5xx: the function failed or ran out of its Timeout on the local server (see the functions' log).")


def _seed(template: Template, endpoint: str) -> str:
    from tools.seed import bulk_invoice, local_environment, seed_invoice_api, seed_invoices

    start = time.perf_counter()
    with local_environment(template, "invoice_api", endpoint):
        seed_invoice_api()
        written = seed_invoices(f"bench-{COUNT}", COUNT, bulk_invoice)
    return f"seeded {written:,} in {time.perf_counter() - start:.1f} s" if written else "already seeded"


def _timed(session: requests.Session, url: str) -> tuple[int, float]:
    answer = expect_status(session.get(url, timeout=120), 200)  # warm the function's worker
    durations = []
    for _ in range(REQUESTS):
        start = time.perf_counter()
        expect_status(session.get(url, timeout=120), 200)
        durations.append(time.perf_counter() - start)
    return int(answer.json()["meta"]["total"]), statistics.median(durations)


def _handler_environment(template: Template, endpoint: str) -> AbstractContextManager[None]:
    return bootstrap.function_environment(template.functions["InvoiceApiInvoicesListFunction"], endpoint)


def _reads(token: str, query: str) -> Reads:
    """One list request in-process, its DynamoDB reads recorded on botocore's events."""
    from invoice_api.handlers.invoices_list import lambda_handler

    event = json.loads((ROOT / "events/invoice_api/invoices_list.json").read_text())
    event["headers"]["authorization"] = f"Bearer {token}"
    event["rawQueryString"] = query
    event["queryStringParameters"] = dict(part.split("=", 1) for part in query.split("&")) if query else None
    with open(os.devnull, "w") as quiet, _stdout(quiet), recorder.recording(consumed_capacity=True) as calls:
        result = lambda_handler(event, LambdaContext("invoices_list", 512, 15, "bench"))  # type: ignore[arg-type]
    if result["statusCode"] != 200:
        raise RuntimeError(f"invoices_list in-process: {result['statusCode']} {result['body'][:300]}")
    reads = Reads()
    for call in calls.of("dynamodb"):
        if call.operation not in recorder.DYNAMODB_READS:
            continue
        reads.calls.append(call.operation)
        reads.units += _capacity(call.operation, call.params, call.response)
        consumed = call.response.get("ConsumedCapacity") or []
        for entry in consumed if isinstance(consumed, list) else [consumed]:
            reads.moto_units += float(entry.get("CapacityUnits", 0))
        reads.items += len(call.response.get("Items", []))
        reads.items += sum(len(v) for v in call.response.get("Responses", {}).values())
    return reads


@contextmanager
def _stdout(target: Any) -> Iterator[None]:
    import sys

    saved, sys.stdout = sys.stdout, target
    try:
        yield
    finally:
        sys.stdout = saved


def _capacity(operation: str, params: dict[str, Any], answer: dict[str, Any]) -> float:
    """Read units as DynamoDB charges them for this one request (tools.capacity.units' rules)."""
    consistent = bool(params.get("ConsistentRead"))
    if operation in ("Query", "Scan"):
        return units.read_units(sum(units.item_size(item) for item in answer.get("Items", [])), consistent)
    if operation == "GetItem":
        return units.read_units(units.item_size(answer.get("Item", {})), consistent)
    return sum(
        units.read_units(units.item_size(item), bool(params["RequestItems"][table].get("ConsistentRead")))
        for table, items in answer.get("Responses", {}).items()
        for item in items
    )
