"""`make bench`: figures, printed; nothing asserted (speed is not a test).

- cold import of every handler (a fresh interpreter each run, median of N) against
  a bare Powertools resolver handler, as a ratio;
- peak RSS of each function's warm worker after serving its requests;
- requests/s of GET /getInvoice on the local server, and the per-request
  overhead of the local HTTP + worker hop against calling the handler in-process;
- bank2xls: DynamoDB calls per POST /api/credits/consume (anonymous and paid).
The local server must not be running already (the bench starts its own).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import requests

from tools.bench_filestore import bench as bench_filestore
from tools.bench_invoice_api import bench as bench_invoice_api
from tools.local import bootstrap
from tools.local.local_values import CONSOLE_PORT
from tools.local.server import LocalStack
from tools.local.template import ROOT, Function, Template
from tools.local.worker import LambdaContext

RUNS = int(os.environ.get("BENCH_RUNS", "7"))
BASELINE = "tools.bench_baseline"
APIS = ("lnupload", "bank2xls", "cinq", "invoice_api", "filestore")


def median_of(fn: Callable[[], float], runs: int = RUNS) -> float:
    return statistics.median(fn() for _ in range(runs))


def cold_import_seconds(module: str, environment: dict[str, str]) -> float:
    code = f"import time; t = time.perf_counter(); import {module}; print(time.perf_counter() - t)"
    env = {**os.environ, **environment, "PYTHONPATH": f"{bootstrap.pythonpath()}:{ROOT}"}
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    return float(done.stdout.strip())


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def section(title: str) -> None:
    print(f"\n== {title}")


def bench_cold_imports(template: Template, api: str) -> None:
    section(f"{api}: cold import (median of {RUNS} fresh interpreters)")
    functions = [f for f in template.functions.values() if f.api == api]
    baseline = median_of(lambda: cold_import_seconds(BASELINE, {}))
    print(f"{'bare Powertools resolver handler':<45} {baseline * 1000:8.1f} ms   1.00x")
    for function in functions:
        seconds = median_of(lambda f=function: cold_import_seconds(f.module, f.environment))  # type: ignore[misc]
        print(f"{function.module:<45} {seconds * 1000:8.1f} ms   {seconds / baseline:.2f}x")


def lnupload_traffic(base: str, console: str) -> None:
    """A little of everything, so every lnupload function has served real requests."""
    for _ in range(5):
        payment_hash = requests.get(f"{base}/getInvoice", timeout=10).json()["payment_hash"]
        requests.post(f"{console}/lightning/invoices/{payment_hash}/pay", timeout=10)
        requests.post(f"{base}/getSignedUrl", json={"payment-hash": payment_hash}, timeout=10)
        files = {"data": ("a.bin", os.urandom(1024 * 1024))}
        requests.post(f"{base}/checkUploadedFile", headers={"payment-hash": payment_hash}, files=files, timeout=30)
        requests.get(f"{base}/unknown", timeout=10)


def bank2xls_traffic(base: str, console: str) -> None:
    """Every bank2xls function serves real requests: pages, sign-in, credits, billing, webhooks, logout."""
    for _ in range(3):
        browser = requests.Session()
        for path in ("/", "/app", "/billing", "/api/health", "/api/credits/balance", "/api/nothing"):
            browser.get(f"{base}{path}", timeout=15)
        browser.post(f"{base}/api/credits/consume", json={}, timeout=10)
        email = f"bench-{os.urandom(4).hex()}@example.com"
        browser.post(f"{base}/api/auth/otp/request", json={"email": email}, timeout=10)
        subject = requests.get(f"{console}/mail", params={"to": email}, timeout=10).json()["messages"][0]["subject"]
        browser.post(f"{base}/api/auth/otp/verify", json={"email": email, "otp": subject[-6:]}, timeout=10)
        url = browser.post(f"{base}/api/billing/checkout", json={"planId": "monthly_100"}, timeout=15).json()
        requests.post(
            f"{console}/stripe/checkout/sessions/{url['checkoutUrl'].rsplit('/', 1)[-1]}/complete", timeout=15
        )
        time.sleep(1.5)  # the webhooks
        browser.post(f"{base}/api/credits/consume", json={"amount": 1}, timeout=10)
        for path in ("/api/conversions/history", "/api/billing/invoices", "/app", "/billing"):
            browser.get(f"{base}{path}", timeout=15)
        browser.post(f"{base}/api/billing/portal", timeout=15)
        browser.post(f"{base}/api/auth/logout", timeout=10)


def cinq_traffic(base: str, console: str) -> None:
    """Every cinq function serves real requests: waitlist, gifts, accounts, circle, messages, BTCPay."""
    admin = {"X-API-Key": "local-admin-key"}
    users = []
    for _ in range(3):
        email = f"bench-{os.urandom(4).hex()}@example.com"
        requests.get(f"{base}/api/waitlist", timeout=10)
        requests.post(f"{base}/api/waitlist", json={"email": email}, timeout=10)
        code = requests.post(f"{base}/api/gift-create", json={"amount_cents": 1500}, headers=admin, timeout=10).json()
        requests.get(f"{base}/api/gift-verify/{code['code']}", timeout=10)
        requests.post(f"{base}/api/gift-verify", json={"code": code["code"]}, timeout=10)
        body = {"email": email, "password": "SecurePass123", "giftCode": code["code"]}
        requests.post(f"{base}/api/auth-register", json=body, timeout=15)
        login = requests.post(f"{base}/api/auth-login", json=body, timeout=15).json()
        users.append((login["user"]["id"], email, {"Authorization": f"Bearer {login['session']['access_token']}"}))
        other = requests.post(f"{base}/api/gift-create", json={"amount_cents": 500}, headers=admin, timeout=10).json()
        requests.post(f"{base}/api/gift-redeem", json={"code": other["code"], "order_id": "bench"}, timeout=10)
    (me_id, _, me), (friend_id, friend_email, _), (_, third_email, _) = users
    added = requests.post(f"{base}/api/contacts", json={"email": friend_email}, headers=me, timeout=10).json()
    requests.post(
        f"{base}/api/user-profile", json={"action": "add_contact", "email": third_email}, headers=me, timeout=10
    )
    requests.get(f"{base}/api/contacts", headers=me, timeout=10)
    requests.get(f"{base}/api/user-profile", headers=me, timeout=10)
    requests.post(f"{base}/api/messages", json={"contact_id": friend_id, "content": "Salut !"}, headers=me, timeout=10)
    requests.get(f"{base}/api/messages", params={"contact_id": friend_id}, headers=me, timeout=10)
    requests.delete(f"{base}/api/contacts", params={"id": added["contact"]["id"]}, headers=me, timeout=10)
    requests.put(f"{base}/api/contacts", timeout=10)
    invoice = requests.post(
        f"{console}/btcpay/invoices",
        json={"amount": "15.00", "currency": "EUR", "metadata": {"buyerEmail": "b@example.com"}},
        timeout=10,
    ).json()
    requests.post(f"{console}/btcpay/invoices/{invoice['id']}/settle", timeout=30)
    assert me_id


def invoice_api_traffic(base: str) -> None:
    """Every invoice_api function serves requests (the seeded demo users log in)."""
    login = requests.post(
        f"{base}/api/v1/login", json={"email": "example.one@example.com", "password": "password"}, timeout=15
    ).json()
    auth = {"Authorization": f"Bearer {login['data']['token']}"}
    requests.get(f"{base}/api/v1/users", headers=auth, timeout=10)
    requests.get(f"{base}/api/v1/users/1", headers=auth, timeout=10)
    requests.get(f"{base}/api/v1/invoices?paid[eq]=1", headers=auth, timeout=30)
    created = requests.post(
        f"{base}/api/v1/invoices", json={"user_id": 1, "type": "P", "paid": 0, "value": 10}, headers=auth, timeout=10
    ).json()["data"]
    requests.get(f"{base}/api/v1/invoices/{created['id']}", headers=auth, timeout=10)
    requests.patch(f"{base}/api/v1/invoices/{created['id']}", json={"paid": 1}, headers=auth, timeout=10)
    requests.delete(f"{base}/api/v1/invoices/{created['id']}", headers=auth, timeout=10)
    requests.get(f"{base}/api/v1/nothing", timeout=10)
    requests.post(f"{base}/api/v1/logout", headers=auth, timeout=10)


def filestore_traffic(base: str) -> None:
    """Every filestore function serves requests: sign-up, login, a small file's whole life."""
    user = {"username": f"b{os.urandom(4).hex()}", "lastname": "Bench", "firstname": "Mark", "password": "secret1"}
    token = requests.post(f"{base}/api/user/sign", json=user, timeout=15).json()["token"]
    requests.get(f"{base}/api/user/login", params={"username": user["username"], "password": "secret1"}, timeout=15)
    where = {"user_token": token, "disk": "main", "folder": "bench", "file_name": "a.txt"}
    upload = requests.post(f"{base}/api/files/upload/request", json=where, timeout=10).json()["upload_token"]
    requests.post(
        f"{base}/api/files/upload/{upload}",
        params={"user_token": token},
        files={"file": ("a.txt", b"bench", "text/plain")},
        timeout=10,
    )
    download = requests.get(f"{base}/api/files/download/request", params={**where, "timeout": 60}, timeout=10).json()[
        "download_token"
    ]
    requests.get(f"{base}/api/files/download/{download}", params={"user_token": token}, timeout=10)
    requests.get(f"{base}/api/files/list", params={"user_token": token, "disk": "main"}, timeout=10)
    requests.get(f"{base}/api/files/disks", headers={"Authorization": f"Bearer {token}"}, timeout=10)
    requests.delete(f"{base}/api/files/delete", params=where, timeout=10)
    requests.get(f"{base}/api/nothing", timeout=10)


def bench_consume_calls(template: Template, stack: LocalStack) -> None:
    """DynamoDB requests one consume makes, counted at the SDK's HTTP layer, handler called in-process."""
    section("bank2xls: DynamoDB calls per POST /api/credits/consume")
    with bootstrap.function_environment(template.functions["Bank2xlsCreditsConsumeFunction"], stack.endpoint):
        _count_consume_calls()


def _count_consume_calls() -> None:
    import botocore.endpoint

    from bank2xls import credits
    from bank2xls.models import UserItem
    from bank2xls.sessions import Caller

    calls: list[str] = []
    original = botocore.endpoint.Endpoint.make_request

    def counting(self: Any, operation_model: Any, request_dict: Any) -> Any:
        if operation_model.service_model.service_name == "dynamodb":
            calls.append(operation_model.name)
        return original(self, operation_model, request_dict)

    botocore.endpoint.Endpoint.make_request = counting  # type: ignore[method-assign]
    try:
        UserItem(
            "USER#bench", "PROFILE", user_id="bench", email="b@example.com", created_at=datetime.now(UTC), balance=1000
        ).save()
        cases = {
            "anonymous (free daily)": (Caller("session_bench", "127.0.0.1"), None),
            "paid": (Caller("session_bench", "127.0.0.1", user_id="bench"), None),
            "paid with requestId": (Caller("session_bench", "127.0.0.1", user_id="bench"), "req-bench"),
        }
        for label, (caller, request_id) in cases.items():
            calls.clear()
            credits.consume(caller, "bank2xls_conversion", 1, request_id, None)
            print(f"{label:<28} {len(calls)} calls: {', '.join(calls)}")
    finally:
        botocore.endpoint.Endpoint.make_request = original  # type: ignore[method-assign]


def bench_rss(stack: LocalStack, api: str) -> None:
    section(f"{api}: peak RSS of each warm function worker (VmHWM)")
    for logical_id, pool in stack.pools.items():
        if pool.function.api != api:
            continue
        peaks = [peak_rss_mb(worker.process.pid) for worker in pool._idle]
        figure = f"{max(peaks):8.1f} MB" if peaks else "   (not invoked)"
        print(f"{logical_id:<45} {figure}")


def bench_throughput(base: str, requests_count: int = 300) -> float:
    section("lnupload: GET /getInvoice on the local server")
    session = requests.Session()
    session.get(f"{base}/getInvoice", timeout=10)
    start = time.perf_counter()
    for _ in range(requests_count):
        session.get(f"{base}/getInvoice", timeout=10)
    sequential = time.perf_counter() - start
    per_request_ms = sequential / requests_count * 1000
    print(f"sequential, keep-alive      {requests_count / sequential:8.1f} req/s  ({per_request_ms:.2f} ms/req)")

    def client(_: int) -> None:
        with requests.Session() as own:
            for _ in range(requests_count // 4):
                own.get(f"{base}/getInvoice", timeout=10)

    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(client, range(4)))
    concurrent = time.perf_counter() - start
    print(f"4 concurrent clients        {requests_count / concurrent:8.1f} req/s")
    return sequential / requests_count


def bench_in_process(template: Template, stack: LocalStack, http_seconds: float, calls: int = 300) -> None:
    function = template.functions["LnuploadGetInvoiceFunction"]
    with bootstrap.function_environment(function, stack.endpoint):
        in_process = _time_in_process(function, calls)
    print(f"handler called in-process   {1 / in_process:8.1f} calls/s ({in_process * 1000:.2f} ms/call)")
    overhead = http_seconds - in_process
    ratio = http_seconds / in_process
    print(f"local HTTP + worker hop     {overhead * 1000:8.2f} ms/req overhead, {ratio:.2f}x in-process")


def _time_in_process(function: Function, calls: int) -> float:
    """Seconds per call of the getInvoice handler in this process (its environment already set)."""
    from lnupload.handlers.get_invoice import lambda_handler

    event: dict[str, Any] = json.loads((ROOT / "events/lnupload/get_invoice.json").read_text())
    context: Any = LambdaContext(function.logical_id, function.memory_mb, function.timeout, "bench")
    lambda_handler(event, context)
    sys_stdout = sys.stdout
    sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - the handler's metric lines
    try:
        start = time.perf_counter()
        for _ in range(calls):
            lambda_handler(event, context)
        in_process = (time.perf_counter() - start) / calls
    finally:
        sys.stdout.close()
        sys.stdout = sys_stdout
    return in_process


def main() -> None:
    template = Template()
    for api in APIS:
        bench_cold_imports(template, api)
    stack = LocalStack(template)
    try:
        stack.start()
    except OSError as exc:
        sys.exit(f"cannot start the local server ({exc}): stop `make run` first")
    try:
        base = f"http://127.0.0.1:{template.api('lnupload').port}"
        console = f"http://127.0.0.1:{CONSOLE_PORT}"
        lnupload_traffic(base, console)
        bank2xls_traffic(f"http://127.0.0.1:{template.api('bank2xls').port}", console)
        cinq_traffic(f"http://127.0.0.1:{template.api('cinq').port}", console)
        invoice_api_traffic(f"http://127.0.0.1:{template.api('invoice_api').port}")
        filestore_traffic(f"http://127.0.0.1:{template.api('filestore').port}")
        for api in APIS:
            bench_rss(stack, api)
        http_seconds = bench_throughput(base)
        bench_in_process(template, stack, http_seconds)
        bench_consume_calls(template, stack)
        section("filestore: a 50 MB file through the local server (presigned) vs S3 directly")
        bench_filestore(
            console,
            f"http://127.0.0.1:{template.api('filestore').port}",
            stack.endpoint,
            template.physical_name("FilestoreBucket"),
        )
        section("invoice_api: GET /api/v1/invoices with a filter on 10,000 invoices")
        bench_invoice_api(stack.endpoint)
    finally:
        stack.stop()


if __name__ == "__main__":
    main()
