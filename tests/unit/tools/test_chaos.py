"""make chaos's judgement (no sockets): which answers keep an API's promises under faults, which invariant
breaks are reported, and that its rules inject the rate asked for per dependency."""

from __future__ import annotations

import json
from collections import Counter

import pytest
import requests

from tools.chaos import apis
from tools.chaos.__main__ import SERVICES, Result, promises, report, rules
from tools.chaos.apis import Check
from tools.chaos.client import Tally
from tools.local import bootstrap
from tools.local.faults.rules import Rule, Rules

bootstrap.install()


def answer(status: int, body: object, **headers: str) -> tuple[requests.Response, object]:
    response = requests.Response()
    response.status_code = status
    response._content = json.dumps(body).encode()
    response.headers.update({"Content-Type": "application/json", **headers})
    return response, body


LNUPLOAD_DOWN = {"success": False, "message": "The service is temporarily unavailable, please try again in a moment."}
PAYMENT_DOWN = {"success": False, "error": "x", "code": "PAYMENT_PROVIDER_ERROR"}
OTHER_BUG = {"error": {"code": "INTERNAL_ERROR", "message": "x"}}
NO_CREDITS = {"error": {"code": "INSUFFICIENT_CREDITS", "message": "x"}}
BANK2XLS_503 = {"error": {"code": "SERVICE_UNAVAILABLE", "message": "Service temporairement indisponible"}}


@pytest.mark.parametrize(
    ("envelope", "given", "unavailable", "problem"),
    [
        (apis._bank2xls_envelope, answer(503, BANK2XLS_503, **{"Retry-After": "5"}), True, None),
        (apis._bank2xls_envelope, answer(503, BANK2XLS_503), True, "HTTP 503 without Retry-After"),
        (apis._bank2xls_envelope, answer(502, {"error": {"code": "STRIPE_ERROR", "message": "x"}}), True, None),
        (apis._bank2xls_envelope, answer(500, {"message": "Internal Server Error"}), False, "outside the envelope"),
        (apis._bank2xls_envelope, answer(500, OTHER_BUG), False, "outside"),
        (apis._bank2xls_envelope, answer(402, NO_CREDITS), False, None),
        (
            apis._cinq_envelope,
            answer(503, {"success": False, "error": "x", "code": "SERVICE_UNAVAILABLE"}, **{"Retry-After": "5"}),
            True,
            None,
        ),
        (apis._cinq_envelope, answer(502, PAYMENT_DOWN), True, None),
        (apis._cinq_envelope, answer(503, {"message": "Service Unavailable"}), False, "outside the envelope"),
        (
            apis._invoice_api_envelope,
            answer(503, {"message": "Service Unavailable", "status": 503, "data": []}, **{"Retry-After": "5"}),
            True,
            None,
        ),
        (apis._lnupload_envelope, answer(200, {"success": False, "message": "Invoice not paid yet."}), False, None),
        (
            apis._lnupload_envelope,
            answer(200, LNUPLOAD_DOWN),
            True,
            None,
        ),
        (apis._lnupload_envelope, answer(503, {"success": False, "message": "x"}), False, "lnupload answers HTTP 200"),
        (apis._filestore_envelope, answer(500, {"message": "Erreur interne du serveur."}), False, "outside"),
    ],
)
def test_what_counts_as_unavailable_and_what_breaks_the_envelope(envelope, given, unavailable, problem):
    checker = envelope()
    assert checker.unavailable(*given) is unavailable
    found = checker.problem(*given)
    assert (found is None) if problem is None else (problem in found)


def test_a_check_fails_on_any_failure_and_the_report_names_it():
    tally = Tally(requests=3, statuses=Counter({200: 2, 503: 1}), journeys=1)
    tally.outside.append("GET /x: HTTP 500 outside the envelope")
    broken = Check("balance = credits granted - paid conversions")
    broken.expect(True, "fine")
    broken.expect(False, "a@example.com: balance 99, granted 100, spent 0")
    injected = {"dynamodb": {"faults": 4}, "ses": {"faults": 0}}
    result = Result("bank2xls", 0.3, 1.0, tally, injected, [*promises(tally), broken])
    assert [check.name for check in result.failed] == [promises(tally)[0].name, broken.name]
    shown = report([result])
    assert "| 30% | 1 | 3 | 4 (dynamodb 4) | 200: 2, 503: 1 | 0 | 1/3 | 2 |" in shown
    assert "FAILED: balance = credits granted - paid conversions (1): a@example.com: balance 99" in shown


def test_the_rules_fail_about_the_rate_asked_of_every_dependency():
    faults = Rules(seed=3)
    faults.replace([Rule.parse(rule) for rule in rules(0.3)])
    decisions = [faults.decide(service, "Any") for service in SERVICES for _ in range(2000)]
    for service, stats in faults.stats().items():
        assert 0.26 < stats["faults"] / stats["requests"] < 0.34, service
    assert {decision.error for decision in decisions} == {None, "throttle", "500", "503", "drop", "hang"}
