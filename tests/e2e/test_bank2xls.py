"""bank2xls over HTTP on the local server, following the spec's flows with a cookie-keeping client."""

from __future__ import annotations

import re
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

pytestmark = pytest.mark.e2e


def code_for(console_url: str, email: str) -> str:
    messages = requests.get(f"{console_url}/mail", params={"to": email}, timeout=10).json()["messages"]
    assert messages, f"no mail for {email}"
    return re.search(r"\b(\d{6})\b", messages[0]["subject"]).group(1)


def signed_in(base: str, console_url: str) -> tuple[requests.Session, str]:
    browser = requests.Session()
    email = f"e2e-{uuid.uuid4().hex[:10]}@example.com"
    assert browser.post(f"{base}/api/auth/otp/request", json={"email": email}, timeout=10).status_code == 200
    verified = browser.post(
        f"{base}/api/auth/otp/verify", json={"email": email, "otp": code_for(console_url, email)}, timeout=10
    )
    assert verified.status_code == 200 and verified.json()["status"] == "AUTHENTICATED"
    return browser, email


def until(check, timeout: float = 10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if value := check():
            return value
        time.sleep(0.2)
    raise AssertionError("condition not reached")


def test_anonymous_use_as_documented(bank2xls_url):
    browser = requests.Session()
    # 1. the balance creates the anonymous session
    balance = browser.get(f"{bank2xls_url}/api/credits/balance", timeout=10)
    assert balance.json()["mode"] == "anonymous" and "pg1_session" in browser.cookies
    set_cookie = balance.headers["Set-Cookie"]
    assert "HttpOnly" in set_cookie and "Max-Age=604800" in set_cookie
    # 2. one free credit, then the daily quota
    body = {"reason": "bank2xls_conversion"}
    assert browser.post(f"{bank2xls_url}/api/credits/consume", json=body, timeout=10).json()["type"] == "free-daily"
    refused = browser.post(f"{bank2xls_url}/api/credits/consume", json=body, timeout=10)
    assert refused.status_code == 402 and refused.json()["error"]["code"] == "DAILY_QUOTA_EXCEEDED"


def test_sign_in_subscribe_consume_history_invoices_portal_renewal_logout(bank2xls_url, console_url):
    browser, _ = signed_in(bank2xls_url, console_url)
    assert {"pg1_session", "pg1_auth"} <= set(browser.cookies.keys())
    # Subscribe: checkout, then pay on the local checkout
    checkout = browser.post(f"{bank2xls_url}/api/billing/checkout", json={"planId": "monthly_100"}, timeout=15).json()
    session_id = checkout["checkoutUrl"].rsplit("/", 1)[-1]
    assert requests.get(checkout["checkoutUrl"], timeout=10).status_code == 200  # the Pay page
    paid = requests.post(f"{console_url}/stripe/checkout/sessions/{session_id}/complete", timeout=15)
    assert paid.status_code == 200
    balance = until(
        lambda: (
            (b := browser.get(f"{bank2xls_url}/api/credits/balance", timeout=10).json())["paidCredits"]["balance"]
            == 100
            and b
        )
    )
    assert balance["subscription"]["status"] == "active" and balance["subscription"]["planId"] == "monthly_100"
    # Consume with metadata, then the history shows it
    consumed = browser.post(
        f"{bank2xls_url}/api/credits/consume",
        json={"reason": "bank2xls_conversion", "amount": 1, "requestId": "req_123", "fileName": "releve.pdf"},
        timeout=10,
    ).json()
    assert consumed["newBalance"] == 99
    history = browser.get(f"{bank2xls_url}/api/conversions/history", timeout=10).json()["conversions"]
    assert history[0]["metadata"]["fileName"] == "releve.pdf" and history[0]["cost"] == 1
    # Invoices and the portal
    invoices = browser.get(f"{bank2xls_url}/api/billing/invoices", timeout=10).json()["invoices"]
    assert [(i["amount"], i["currency"], i["status"]) for i in invoices] == [(1999, "eur", "paid")]
    portal = browser.post(f"{bank2xls_url}/api/billing/portal", timeout=10).json()["portalUrl"]
    assert requests.get(portal, timeout=10).status_code == 200
    # Renewal a month later adds the plan's credits again
    requests.post(f"{console_url}/stripe/clock/advance", json={"days": 31}, timeout=15).raise_for_status()
    until(
        lambda: browser.get(f"{bank2xls_url}/api/credits/balance", timeout=10).json()["paidCredits"]["balance"] == 199
    )
    # Logout clears both cookies and ends the session server-side
    stolen = browser.cookies.copy()
    out = browser.post(f"{bank2xls_url}/api/auth/logout", timeout=10)
    assert out.json() == {"status": "LOGGED_OUT"} and out.headers["Set-Cookie"].count("Max-Age=0") == 2
    assert requests.get(f"{bank2xls_url}/api/conversions/history", cookies=stolen, timeout=10).status_code == 401


def test_parallel_debits_never_overspend(bank2xls_url, console_url):
    browser, _ = signed_in(bank2xls_url, console_url)
    checkout = browser.post(f"{bank2xls_url}/api/billing/checkout", json={"planId": "monthly_100"}, timeout=15).json()
    requests.post(
        f"{console_url}/stripe/checkout/sessions/{checkout['checkoutUrl'].rsplit('/', 1)[-1]}/complete", timeout=15
    ).raise_for_status()
    until(
        lambda: browser.get(f"{bank2xls_url}/api/credits/balance", timeout=10).json()["paidCredits"]["balance"] == 100
    )
    cookies = browser.cookies.get_dict()
    with ThreadPoolExecutor(max_workers=16) as pool:
        answers = list(
            pool.map(
                lambda _: requests.post(
                    f"{bank2xls_url}/api/credits/consume", json={"amount": 10}, cookies=cookies, timeout=30
                ),
                range(16),
            )
        )
    assert sorted(a.status_code for a in answers) == [200] * 10 + [402] * 6
    assert browser.get(f"{bank2xls_url}/api/credits/balance", timeout=10).json()["paidCredits"]["balance"] == 0


def test_rate_limit_headers_and_the_sixth_request(bank2xls_url):
    email = f"limited-{uuid.uuid4().hex[:8]}@example.com"
    answers = [
        requests.post(f"{bank2xls_url}/api/auth/otp/request", json={"email": email}, timeout=10) for _ in range(6)
    ]
    assert [a.status_code for a in answers] == [200] * 5 + [429]
    assert answers[0].headers["X-RateLimit-Limit"] == "5" and answers[0].headers["X-RateLimit-Remaining"] == "4"
    assert (
        answers[5].headers["X-RateLimit-Remaining"] == "0" and answers[5].json()["error"]["code"] == "OTP_RATE_LIMITED"
    )
    assert 0 < int(answers[5].headers["Retry-After"]) <= 3600


def test_cors_with_credentials_echoes_allowed_origins_only(bank2xls_url):
    allowed = requests.options(
        f"{bank2xls_url}/api/credits/balance",
        headers={
            "Origin": "http://localhost:5173",
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "content-type,x-idempotency-key",
        },
        timeout=10,
    )
    assert allowed.status_code == 204
    assert allowed.headers["Access-Control-Allow-Origin"] == "http://localhost:5173"
    assert allowed.headers["Access-Control-Allow-Credentials"] == "true"
    assert "x-idempotency-key" in allowed.headers["Access-Control-Allow-Headers"]
    response = requests.get(
        f"{bank2xls_url}/api/credits/balance", headers={"Origin": "http://localhost:5173"}, timeout=10
    )
    assert response.headers["Access-Control-Allow-Origin"] == "http://localhost:5173"
    foreign = requests.get(
        f"{bank2xls_url}/api/credits/balance", headers={"Origin": "https://evil.example"}, timeout=10
    )
    assert "Access-Control-Allow-Origin" not in foreign.headers


def test_unknown_routes_health_and_forged_webhooks(bank2xls_url):
    missing = requests.get(f"{bank2xls_url}/api/nothing", timeout=10)
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "NOT_FOUND"
    health = requests.get(f"{bank2xls_url}/api/health", timeout=15).json()
    assert health == {**health, "status": "ok", "dynamo": "ok", "s3": "ok", "stripe": "ok", "ses": "ok"}
    forged = requests.post(
        f"{bank2xls_url}/api/webhooks/stripe",
        data='{"id": "evt_1", "type": "invoice.paid"}',
        headers={"Stripe-Signature": "t=1,v1=00", "Content-Type": "application/json"},
        timeout=10,
    )
    assert forged.status_code == 400 and forged.json()["error"]["code"] == "INVALID_SIGNATURE"
    bad_json = requests.post(
        f"{bank2xls_url}/api/credits/consume", data="{nope", headers={"Content-Type": "application/json"}, timeout=10
    )
    assert bad_json.status_code == 400 and bad_json.json()["error"]["code"] == "INVALID_REQUEST"


def test_pages_are_french_html_and_private_ones_redirect(bank2xls_url):
    home = requests.get(f"{bank2xls_url}/", timeout=10)
    assert home.status_code == 200 and home.headers["Content-Type"].startswith("text/html")
    assert '<html lang="fr">' in home.text
    for page in ("app", "billing"):
        answer = requests.get(f"{bank2xls_url}/{page}", allow_redirects=False, timeout=10)
        assert answer.status_code == 302 and answer.headers["Location"] == f"/?next=/{page}"
