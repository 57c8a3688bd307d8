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

import base64
import json
import math
import os
import statistics
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import boto3
import requests

from tools.bench import recorder
from tools.bench.traffic import UnexpectedAnswer, expect_status
from tools.local import bootstrap
from tools.local.template import LOCAL_REGION, ROOT, Template
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
    table = template.physical_name("InvoiceApiTable")
    base = f"http://127.0.0.1:{template.api('invoice_api').port}/api/v1"
    seeded = _seed(stack_endpoint, table)
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


def _seed(endpoint: str, table: str) -> str:
    bootstrap.install()
    from invoice_api.seed import bulk_invoice, seed_demo_data, seed_invoices

    dynamodb = boto3.client(
        "dynamodb",
        endpoint_url=endpoint,
        region_name=LOCAL_REGION,
        aws_access_key_id="local",
        aws_secret_access_key="local",  # noqa: S106 - moto
    )
    start = time.perf_counter()
    seed_demo_data(dynamodb, table)
    written = seed_invoices(dynamodb, table, f"bench-{COUNT}", COUNT, bulk_invoice)
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
    """Read units as DynamoDB charges them for this one request."""
    if operation in ("Query", "Scan"):
        per_unit = 1.0 if params.get("ConsistentRead") else 0.5
        return per_unit * max(1, math.ceil(sum(_item_size(item) for item in answer.get("Items", [])) / 4096))
    if operation == "GetItem":
        per_unit = 1.0 if params.get("ConsistentRead") else 0.5
        return per_unit * max(1, math.ceil(_item_size(answer.get("Item", {})) / 4096))
    units = 0.0
    for table, items in answer.get("Responses", {}).items():
        per_unit = 1.0 if params["RequestItems"][table].get("ConsistentRead") else 0.5
        units += sum(per_unit * max(1, math.ceil(_item_size(item) / 4096)) for item in items)
    return units


def _item_size(item: dict[str, Any]) -> int:
    return sum(len(name.encode()) + _value_size(value) for name, value in item.items())


def _value_size(value: dict[str, Any]) -> int:
    ((kind, data),) = value.items()
    match kind:
        case "S":
            return len(data.encode())
        case "N":
            return _number_size(data)
        case "B":
            return len(data) if isinstance(data, bytes) else len(base64.b64decode(data))
        case "BOOL" | "NULL":
            return 1
        case "SS":
            return sum(len(text.encode()) for text in data)
        case "NS":
            return sum(_number_size(number) for number in data)
        case "M":
            return 3 + sum(len(k.encode()) + _value_size(v) + 1 for k, v in data.items())
        case "L":
            return 3 + sum(_value_size(v) + 1 for v in data)
    return 0


def _number_size(text: str) -> int:
    """About one byte per two significant digits, plus one."""
    digits = str(Decimal(text).normalize()).lstrip("-").replace(".", "").split("E")[0].strip("0") or "0"
    return math.ceil(len(digits) / 2) + 1
