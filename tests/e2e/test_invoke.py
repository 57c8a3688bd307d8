"""`make invoke` (tools/local/invoke.py): every events/ file through its function, each in a fresh process
with its template environment, against the running local stack, as `sam local invoke` would."""

from __future__ import annotations

import json
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests

from tools.local.invoke import Outcome, invoke, resolve_function
from tools.local.local_values import CONSOLE_URL, MOTO_PORT
from tools.local.template import ROOT, Template

pytestmark = pytest.mark.e2e

ENDPOINT = f"http://127.0.0.1:{MOTO_PORT}"
EVENTS = sorted((ROOT / "events").glob("*/*.json"))
# Runs after test_cinq.py (module order): cinq's register/redeem events use the spec's demo gift code, which
# test_cinq's verbatim flow registers first.
# What each static event gets (the documented status). Events that sign in need a session or token the
# file cannot hold: the documented refusal. Several depend on what the stack already holds (a rerun
# against the same `make run`: the address is taken, the free credit used, the OTP quota spent).
EXPECTED: dict[str, set[int]] = {
    "bank2xls/billing_checkout": {401},
    "bank2xls/billing_invoices": {401},
    "bank2xls/billing_portal": {401},
    "bank2xls/conversions_history": {401},
    "bank2xls/credits_balance": {200},
    "bank2xls/credits_consume": {200, 402},
    "bank2xls/health": {200},
    "bank2xls/logout": {200},
    "bank2xls/not_found": {404},
    "bank2xls/otp_request": {200, 429},
    "bank2xls/otp_verify": {400},
    "bank2xls/page_app": {302},
    "bank2xls/page_billing": {302},
    "bank2xls/page_home": {200},
    "bank2xls/webhook_stripe": {400},  # signed with another secret: INVALID_SIGNATURE
    "cinq/auth_login": {200, 401},
    "cinq/auth_register": {201, 400, 409},
    "cinq/btcpay_webhook": {401},  # unsigned
    "cinq/contacts_add": {401},
    "cinq/contacts_list": {401},
    "cinq/contacts_remove": {401},
    "cinq/gift_create": {401},  # no admin key in the file
    "cinq/gift_redeem": {200, 400},
    "cinq/gift_verify": {200},
    "cinq/gift_verify_code": {200},
    "cinq/messages_list": {400},
    "cinq/messages_send": {400},
    "cinq/not_found": {405},
    "cinq/user_profile_get": {401},
    "cinq/user_profile_post": {401},
    "cinq/waitlist_count": {200},
    "cinq/waitlist_join": {201, 409},
    "filestore/delete": {401},
    "filestore/disks": {401},
    "filestore/download": {401},
    "filestore/download_request": {401},
    "filestore/files_list": {401},
    "filestore/not_found": {404},
    "filestore/upload": {401},
    "filestore/upload_request": {401},
    "filestore/user_login": {200, 400},
    "filestore/user_sign": {200, 400},
    "invoice_api/invoice_create": {401},
    "invoice_api/invoice_delete": {401},
    "invoice_api/invoice_show": {401},
    "invoice_api/invoice_update": {401},
    "invoice_api/invoice_update_patch": {401},
    "invoice_api/invoices_list": {401},
    "invoice_api/login": {200},  # the seeded example.one@example.com
    "invoice_api/logout": {401},
    "invoice_api/not_found": {404},
    "invoice_api/user_show": {401},
    "invoice_api/users_list": {401},
    "lnupload/check_uploaded_file": {200},  # lnupload answers 200 always, success false here
    "lnupload/get_invoice": {200},
    "lnupload/get_signed_url": {200},
    "lnupload/not_found": {200},
}


def name(path: Path) -> str:
    return f"{path.parent.name}/{path.stem}"


def function_of(path: Path) -> str:
    """The function serving the event's routeKey in its API (template routes), as API Gateway would pick it."""
    route_key = json.loads(path.read_text())["routeKey"]
    routes = [route for route in Template().api(path.parent.name).routes if route.key == route_key]
    assert len(routes) == 1, f"{name(path)}: routeKey {route_key!r} matches {len(routes)} routes"
    return routes[0].function


@pytest.fixture(scope="module")
def outcomes(local_server: None) -> dict[str, Outcome]:
    """Every event invoked once, two at a time (each a cold start in its own process)."""

    def run(path: Path) -> tuple[str, Outcome]:
        with open("/dev/null", "w") as quiet:
            return name(path), invoke(
                resolve_function(function_of(path)), json.loads(path.read_text()), ENDPOINT, stderr=quiet
            )

    with ThreadPoolExecutor(max_workers=2) as pool:
        return dict(pool.map(run, EVENTS))


def test_every_event_file_has_an_expectation():
    assert {name(path) for path in EVENTS} == set(EXPECTED)


@pytest.mark.parametrize("event", [name(path) for path in EVENTS])
def test_each_event_gets_its_documented_status(event: str, outcomes: dict[str, Outcome]) -> None:
    outcome = outcomes[event]
    assert not outcome.error, outcome.response
    assert outcome.response["statusCode"] in EXPECTED[event], outcome.response


def cli(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "tools.local.invoke", *args]
    return subprocess.run(command, cwd=ROOT, input=stdin, capture_output=True, text=True, timeout=120, check=False)


def test_the_cli_reads_stdin_prints_the_response_on_stdout_and_logs_on_stderr(local_server: None) -> None:
    # Given lnupload's not-found event on stdin
    event = (ROOT / "events" / "lnupload" / "not_found.json").read_text()

    # When it is invoked like `sam local invoke Fn -e -`
    done = cli("LnuploadNotFoundFunction", "-e", "-", stdin=event)

    # Then stdout is exactly the response JSON, and stderr has Lambda's START / END / REPORT lines
    assert done.returncode == 0, done.stderr
    response = json.loads(done.stdout)
    assert response["statusCode"] == 200 and json.loads(response["body"])["success"] is False
    assert "START RequestId:" in done.stderr and "END RequestId:" in done.stderr
    assert "Init Duration:" in done.stderr and "Memory Size: " in done.stderr


def test_parameter_overrides_and_env_vars_reach_the_function(local_server: None, tmp_path: Path) -> None:
    # Given a price override (template parameter) and a memo override (SAM's --env-vars file)
    env_vars = tmp_path / "env.json"
    env_vars.write_text(json.dumps({"LnuploadGetInvoiceFunction": {"INVOICE_MEMO": "from env-vars", "NOPE": "x"}}))

    # When get_invoice is invoked with both
    done = cli(
        "LnuploadGetInvoiceFunction",
        "-e",
        "events/lnupload/get_invoice.json",
        "--env-vars",
        str(env_vars),
        "--parameter-overrides",
        "LnuploadInvoiceAmountSat=42",
    )

    # Then the invoice in the stack's wallet has that amount and memo; undeclared variables are ignored, as SAM does
    assert done.returncode == 0, done.stderr
    payment_hash = json.loads(json.loads(done.stdout)["body"])["payment_hash"]
    invoices = requests.get(f"{CONSOLE_URL}/lightning/invoices", timeout=10).json()
    invoice = next(invoice for invoice in invoices if invoice["payment_hash"] == payment_hash)
    assert (invoice["amount_sat"], invoice["memo"]) == (42, "from env-vars")
    assert "ignored: NOPE" in done.stderr


def test_usage_errors_exit_2_with_a_message() -> None:
    unknown = cli("NoSuchFunction", "-e", "events/lnupload/get_invoice.json")
    assert unknown.returncode == 2 and "no function 'NoSuchFunction'" in unknown.stderr
    missing = cli("LnuploadGetInvoiceFunction", "-e", "events/nope.json")
    assert missing.returncode == 2 and "no such file" in missing.stderr
