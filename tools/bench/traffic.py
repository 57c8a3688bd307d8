"""A little of everything on each API, so every function's worker has served real requests before
its peak RSS is read. Every answer's status is checked (and lnupload's `success`, its answers
being always 200): an unexpected one stops the bench with the request and the answer's start.
"""

from __future__ import annotations

import os
import time
from typing import Any

import requests


class UnexpectedAnswer(RuntimeError):
    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class Client:
    """A requests session on one base URL; each call names the status it expects."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.session = requests.Session()

    def __call__(self, method: str, path: str, expect: int = 200, **kwargs: Any) -> requests.Response:
        kwargs.setdefault("timeout", 30)
        url = path if path.startswith("http") else f"{self.base}{path}"
        answer = self.session.request(method, url, **kwargs)
        return expect_status(answer, expect)


def expect_status(answer: requests.Response, expect: int) -> requests.Response:
    if answer.status_code != expect:
        request = answer.history[0].request if answer.history else answer.request
        raise UnexpectedAnswer(
            f"{request.method} {request.url}: {answer.status_code}, expected {expect}: {answer.text[:300]}",
            answer.status_code,
        )
    return answer


def lnupload(base: str, console: str) -> None:
    """Invoice, payment, signed URL, direct upload, unknown route (all HTTP 200, `success` says)."""
    api, dev = Client(base), Client(console)

    def succeeds(answer: requests.Response, success: bool = True) -> dict[str, Any]:
        body: dict[str, Any] = answer.json()
        if body.get("success") is not success:
            raise UnexpectedAnswer(f"{answer.request.url}: success is not {success}: {answer.text[:300]}")
        return body

    for _ in range(5):
        payment_hash = succeeds(api("GET", "/getInvoice"))["payment_hash"]
        dev("POST", f"/lightning/invoices/{payment_hash}/pay")
        succeeds(api("POST", "/getSignedUrl", json={"payment-hash": payment_hash}))
        files = {"data": ("a.bin", os.urandom(1024 * 1024))}
        succeeds(api("POST", "/checkUploadedFile", headers={"payment-hash": payment_hash}, files=files))
        succeeds(api("GET", "/unknown"), success=False)


def bank2xls(base: str, console: str) -> None:
    """Pages, anonymous credits, OTP sign-in, Stripe checkout (and its webhooks), paid credits, logout."""
    dev = Client(console)
    for _ in range(3):
        browser = Client(base)
        for path in ("/", "/app", "/billing", "/api/health", "/api/credits/balance"):
            browser("GET", path)
        browser("GET", "/api/nothing", expect=404)
        browser("POST", "/api/credits/consume", json={})
        email = f"bench-{os.urandom(4).hex()}@example.com"
        browser("POST", "/api/auth/otp/request", json={"email": email})
        subject = dev("GET", "/mail", params={"to": email}).json()["messages"][0]["subject"]
        browser("POST", "/api/auth/otp/verify", json={"email": email, "otp": subject[-6:]})
        checkout = browser("POST", "/api/billing/checkout", json={"planId": "monthly_100"}).json()
        dev("POST", f"/stripe/checkout/sessions/{checkout['checkoutUrl'].rsplit('/', 1)[-1]}/complete")
        _until_paid(browser)  # the webhooks (invoice.paid credits), about a second later
        browser("POST", "/api/credits/consume", json={"amount": 1})
        for path in ("/api/conversions/history", "/api/billing/invoices", "/app", "/billing"):
            browser("GET", path)
        browser("POST", "/api/billing/portal")
        browser("POST", "/api/auth/logout")


def _until_paid(browser: Client, seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if browser("GET", "/api/credits/balance").json()["paidCredits"]["balance"] > 0:
            return
        time.sleep(0.2)
    raise UnexpectedAnswer("no paid credits 10 s after the checkout completed (Stripe webhooks)")


def cinq(base: str, console: str) -> None:
    """Waitlist, gift codes, register and login, circle, messages, a BTCPay payment and its webhook."""
    api, dev = Client(base), Client(console)
    admin = {"X-API-Key": "local-admin-key"}
    users = []
    for _ in range(3):
        email = f"bench-{os.urandom(4).hex()}@example.com"
        api("GET", "/api/waitlist")
        api("POST", "/api/waitlist", expect=201, json={"email": email})
        code = api("POST", "/api/gift-create", expect=201, json={"amount_cents": 1500}, headers=admin).json()["code"]
        api("GET", f"/api/gift-verify/{code}")
        api("POST", "/api/gift-verify", json={"code": code})
        account = {"email": email, "password": "SecurePass123", "giftCode": code}
        api("POST", "/api/auth-register", expect=201, json=account)
        login = api("POST", "/api/auth-login", json=account).json()
        users.append((login["user"]["id"], email, {"Authorization": f"Bearer {login['session']['access_token']}"}))
        other = api("POST", "/api/gift-create", expect=201, json={"amount_cents": 500}, headers=admin).json()
        api("POST", "/api/gift-redeem", json={"code": other["code"], "order_id": "bench"})
    (_, _, me), (friend_id, friend_email, _), (_, third_email, _) = users
    added = api("POST", "/api/contacts", expect=201, json={"email": friend_email}, headers=me).json()
    profile = {"action": "add_contact", "email": third_email}
    api("POST", "/api/user-profile", expect=201, json=profile, headers=me)
    api("GET", "/api/contacts", headers=me)
    api("GET", "/api/user-profile", headers=me)
    api("POST", "/api/messages", expect=201, json={"contact_id": friend_id, "content": "Salut !"}, headers=me)
    api("GET", "/api/messages", params={"contact_id": friend_id}, headers=me)
    api("DELETE", "/api/contacts", params={"id": added["contact"]["id"]}, headers=me)
    api("PUT", "/api/contacts", expect=405)
    invoice = {"amount": "15.00", "currency": "EUR", "metadata": {"buyerEmail": "b@example.com"}}
    invoice_id = dev("POST", "/btcpay/invoices", expect=201, json=invoice).json()["id"]
    dev("POST", f"/btcpay/invoices/{invoice_id}/settle")  # answers once the store's webhook was delivered


def invoice_api(base: str) -> None:
    """Login as a seeded demo user, users, an invoice's whole life, a filtered list, logout."""
    api = Client(f"{base}/api/v1")
    login = {"email": "example.one@example.com", "password": "password"}
    api.session.headers["Authorization"] = f"Bearer {api('POST', '/login', json=login).json()['data']['token']}"
    api("GET", "/users")
    api("GET", "/users/1")
    api("GET", "/invoices?paid[eq]=1")
    invoice = {"user_id": 1, "type": "P", "paid": 0, "value": 10}
    created = api("POST", "/invoices", json=invoice).json()["data"]  # 200, as documented
    api("GET", f"/invoices/{created['id']}")
    api("PATCH", f"/invoices/{created['id']}", json={"paid": 1})
    api("DELETE", f"/invoices/{created['id']}")
    api("GET", "/nothing", expect=404)
    api("POST", "/logout")


def filestore(base: str) -> None:
    """Sign-up, login, a small file's whole life (upload request, upload, download), list, disks, delete."""
    api = Client(base)
    user = {"username": f"b{os.urandom(4).hex()}", "lastname": "Bench", "firstname": "Mark", "password": "secret1"}
    token = api("POST", "/api/user/sign", json=user).json()["token"]
    api("GET", "/api/user/login", params={"username": user["username"], "password": "secret1"})
    where = {"user_token": token, "disk": "main", "folder": "bench", "file_name": "a.txt"}
    upload = api("POST", "/api/files/upload/request", json=where).json()["upload_token"]
    files = {"file": ("a.txt", b"bench", "text/plain")}
    api("POST", f"/api/files/upload/{upload}", params={"user_token": token}, files=files)
    download = api("GET", "/api/files/download/request", params={**where, "timeout": 60}).json()["download_token"]
    api("GET", f"/api/files/download/{download}", params={"user_token": token})
    api("GET", "/api/files/list", params={"user_token": token, "disk": "main"})
    api("GET", "/api/files/disks", headers={"Authorization": f"Bearer {token}"})
    api("DELETE", "/api/files/delete", params=where)
    api("GET", "/api/nothing", expect=404)
