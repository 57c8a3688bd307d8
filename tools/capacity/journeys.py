"""Each API's documented journeys, as many users would run them: the request mix `make capacity` measures.

A journey is one user's visit, request after request, from an address of its own (per-IP limits stay
per user, as on the Internet). Reads outnumber writes, as they do in use:

- lnupload: an invoice, polls until paid (most pay, some give up), then one upload;
- bank2xls: anonymous visitors (page, balance, the free daily conversion) and signed-in users (e-mail code,
  balance, some subscribe with Stripe Checkout, paid conversions, history, invoices, logout);
- cinq: a launch-day waitlist (two visitors in three: count, sign-up, count) and members (gift code, register,
  login, profile, a circle of two, pings and messages, reading them);
- invoice_api: users who log in, list and filter invoices, create, read, change and delete some, log out;
- filestore: sign-up, login, uploads, listing, a download, the disks, sometimes a delete.

What only a local stack can do (paying on the dev console, reading the e-mailed code, the admin key of cinq's
gift codes, invoice_api users beyond the demo) is skipped against a deployed stack, where the journeys keep
what works without it. Each request's status is checked against what the journey expects.
"""

from __future__ import annotations

import random
import re
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass, field
from typing import Any

import requests

from tools.local.source_address import BoundAdapter

TIMEOUT = 60
_MAIL_READER = threading.Lock()


@dataclass
class Stats:
    """What the journeys saw from the client side: requests, unexpected answers, latency."""

    requests: int = 0
    seconds: float = 0.0
    unexpected: Counter[str] = field(default_factory=Counter)
    latencies: list[float] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add(self, seconds: float, problem: str | None) -> None:
        with self.lock:
            self.requests += 1
            self.latencies.append(seconds)
            if problem:
                self.unexpected[problem] += 1


class Unexpected(Exception):
    """An answer the journey cannot go on from."""


class User:
    """One user's HTTP client: its own source address (locally), cookies, and the stats it reports to."""

    def __init__(self, number: int, base: str, stats: Stats, console: str | None, address: str | None) -> None:
        self.number = number
        self.base = base
        self.stats = stats
        self.console = console
        self.http = requests.Session()
        if address:
            self.http.mount("http://", BoundAdapter(address))
        self.random = random.Random(number)  # noqa: S311 - the same mix on every run, nothing secret
        self.name = f"cap{uuid.uuid4().hex[:12]}"

    def call(self, method: str, path: str, expect: tuple[int, ...] = (200,), **kwargs: Any) -> requests.Response:
        start = time.perf_counter()
        try:
            answer = self.http.request(method, f"{self.base}{path}", timeout=TIMEOUT, **kwargs)
        except requests.RequestException as failure:
            self.stats.add(time.perf_counter() - start, f"{method} {_route(path)}: {type(failure).__name__}")
            raise Unexpected(str(failure)) from None
        problem = None if answer.status_code in expect else f"{method} {_route(path)}: {answer.status_code}"
        self.stats.add(time.perf_counter() - start, problem)
        if problem:
            raise Unexpected(f"{problem} {answer.text[:200]}")
        return answer

    def on_console(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        """The dev console (payment fakes, sent mail): not a request of the API, not counted.

        Its mail box reads moto's whole state dump, slow on a busy machine: one reader at a time, and reads
        are retried.
        """
        attempts = 3 if method == "GET" else 1
        for attempt in range(attempts):
            try:
                with _MAIL_READER if path == "/mail" else nullcontext():
                    answer = requests.request(method, f"{self.console}{path}", timeout=TIMEOUT, **kwargs)
                answer.raise_for_status()
                return answer
            except requests.RequestException as failure:
                if attempt + 1 == attempts:
                    raise Unexpected(f"console {method} {_route(path)}: {failure}") from None
                time.sleep(1 + attempt)
        raise AssertionError("unreachable")

    def chance(self, probability: float) -> bool:
        return self.random.random() < probability


def _route(path: str) -> str:
    """A path without its ids and query, so unexpected answers group by route."""
    path = path.split("?", 1)[0]
    return re.sub(r"/[0-9a-f]{16,}|/\d+|/[A-Za-z0-9_-]{24,}", "/{id}", path)


# ---------------------------------------------------------------------------------------------- lnupload
def lnupload(user: User) -> None:
    invoice = user.call("GET", "/getInvoice").json()
    check = {"payment-hash": invoice["payment_hash"]}
    user.call("POST", "/getSignedUrl", json=check)
    if user.console is None or user.chance(0.25):  # some never pay (and nothing can pay a deployed wallet here)
        user.call("POST", "/getSignedUrl", json=check)
        return
    user.on_console("POST", f"/lightning/invoices/{invoice['payment_hash']}/pay")
    user.call("POST", "/getSignedUrl", json=check)
    photo = b"\xff\xd8\xff\xe0" + bytes(user.random.randbytes(20_000)) + b"\xff\xd9"
    user.call("POST", "/checkUploadedFile", headers=check, files={"data": ("photo.jpg", photo, "image/jpeg")})


# ---------------------------------------------------------------------------------------------- bank2xls
def bank2xls(user: User) -> None:
    user.call("GET", "/")
    user.call("GET", "/api/credits/balance")
    free = {"reason": "bank2xls_conversion", "metadata": {"fileName": "releve.pdf"}}
    user.call("POST", "/api/credits/consume", json=free)
    if user.console is None or user.chance(0.55):  # an anonymous visit
        user.call("GET", "/api/credits/balance")
        return
    email = f"{user.name}@example.com"
    user.call("POST", "/api/auth/otp/request", json={"email": email})
    mail = user.on_console("GET", "/mail", params={"to": email}).json()["messages"][0]
    code = re.search(r"\b(\d{6})\b", mail["subject"])
    if code is None:
        raise Unexpected(f"no code in {mail['subject']!r}")
    user.call("POST", "/api/auth/otp/verify", json={"email": email, "otp": code.group(1)})
    user.call("GET", "/app")
    balance = user.call("GET", "/api/credits/balance").json()
    if user.chance(0.5):  # subscribes: Stripe Checkout, paid on the console, credits by webhook
        user.call("GET", "/billing")
        checkout = user.call("POST", "/api/billing/checkout", json={"planId": "monthly_100"}).json()
        session = checkout["checkoutUrl"].rsplit("/", 1)[-1]
        user.on_console("POST", f"/stripe/checkout/sessions/{session}/complete")
        for _ in range(20):
            time.sleep(0.5)
            balance = user.call("GET", "/api/credits/balance").json()
            if balance["paidCredits"]["balance"]:
                break
        user.call("GET", "/api/billing/invoices")
    paid = balance["paidCredits"]["balance"]
    for turn in range(3):
        body = {"reason": "bank2xls_conversion", "requestId": f"{user.name}-{turn}", "metadata": {"fileSize": 4096}}
        user.call("POST", "/api/credits/consume", json=body, expect=(200,) if paid else (200, 402))
        if turn != 1:
            user.call("GET", "/api/conversions/history?limit=10")
    user.call("POST", "/api/auth/logout")


# ---------------------------------------------------------------------------------------------- cinq
CINQ_PASSWORD = "SecurePass123"  # noqa: S105 - the spec's example, local accounts only


@dataclass
class CinqMember:
    email: str
    code: str
    user_id: str = ""
    token: str = ""


class Cinq:
    """cinq's members are set up first (gift codes from the admin key), then visit in two steps."""

    def __init__(self, admin_key: str | None) -> None:
        self.admin_key = admin_key
        self.members: dict[int, CinqMember] = {}
        self.lock = threading.Lock()

    def prepare(self, user: User) -> None:
        """Unmeasured: an admin creates the gift code this user will register with."""
        if self.admin_key is None or user.number % 3:
            return
        admin = {"X-API-Key": self.admin_key}
        created = user.call("POST", "/api/gift-create", json={"amount_cents": 1500}, headers=admin, expect=(201,))
        with self.lock:
            self.members[user.number] = CinqMember(f"{user.name}@example.com", created.json()["code"])

    def join(self, user: User) -> None:
        """The waitlist for every other visitor; register and log in for members."""
        member = self.members.get(user.number)
        if member is None:
            user.call("GET", "/api/waitlist")
            body = {"email": f"{user.name}@example.com", "referrer": "twitter", "utm_campaign": "launch"}
            user.call("POST", "/api/waitlist", json=body, expect=(201,))
            user.call("GET", "/api/waitlist")
            return
        user.call("POST", "/api/gift-verify", json={"code": member.code})
        account = {"email": member.email, "password": CINQ_PASSWORD}
        user.call("POST", "/api/auth-register", json={**account, "giftCode": member.code}, expect=(201,))
        session = user.call("POST", "/api/auth-login", json=account).json()
        member.user_id, member.token = session["user"]["id"], session["session"]["access_token"]
        user.call("GET", "/api/user-profile", headers=self._bearer(member))

    def circle(self, user: User) -> None:
        """Members add two others, ping and write to them, and read the conversation."""
        member = self.members.get(user.number)
        if member is None or not member.token:
            return
        bearer = self._bearer(member)
        others = sorted(number for number, other in self.members.items() if other.token and number != user.number)
        friends = [self.members[number] for number in others if number > user.number][:2] or [
            self.members[number] for number in others[:2]
        ]
        for friend in friends:
            user.call("POST", "/api/contacts", json={"email": friend.email}, headers=bearer, expect=(201,))
        user.call("GET", "/api/contacts", headers=bearer)
        for friend in friends:
            message = {"contact_id": friend.user_id, "is_ping": True}
            user.call("POST", "/api/messages", json=message, headers=bearer, expect=(201,))
            text = {"contact_id": friend.user_id, "content": "On se voit ce soir ?"}
            user.call("POST", "/api/messages", json=text, headers=bearer, expect=(201,))
            user.call("GET", f"/api/messages?contact_id={friend.user_id}", headers=bearer)
        user.call("GET", "/api/user-profile", headers=bearer)

    @staticmethod
    def _bearer(member: CinqMember) -> dict[str, str]:
        return {"Authorization": f"Bearer {member.token}"}


# ---------------------------------------------------------------------------------------------- invoice_api
INVOICE_API_DEMO = ("example.one@example.com", "password")


class InvoiceApi:
    """Users log in with their own account (`accounts`, set up beforehand), else the spec's demo user."""

    def __init__(self, accounts: dict[int, tuple[int, str, str]] | None = None) -> None:
        self.accounts = accounts or {}

    def visit(self, user: User) -> None:
        user_id, email, password = self.accounts.get(user.number, (1, *INVOICE_API_DEMO))
        token = user.call("POST", "/api/v1/login", json={"email": email, "password": password}).json()["data"]["token"]
        auth = {"Authorization": f"Bearer {token}"}
        user.call("GET", "/api/v1/users", headers=auth)
        user.call("GET", f"/api/v1/users/{user_id}", headers=auth)
        user.call("GET", f"/api/v1/invoices?user_id[eq]={user_id}", headers=auth)
        created = []
        for _ in range(2):
            body = {
                "user_id": user_id,
                "type": user.random.choice("PBC"),
                "paid": 0,
                "value": user.random.randint(1, 9999),
            }
            created.append(user.call("POST", "/api/v1/invoices", json=body, headers=auth).json()["data"]["id"])
        user.call("GET", f"/api/v1/invoices/{created[0]}", headers=auth)
        user.call("PATCH", f"/api/v1/invoices/{created[0]}", json={"paid": 1}, headers=auth)
        user.call("GET", f"/api/v1/invoices?user_id[eq]={user_id}&paid[eq]=1", headers=auth)
        replacement = {"user_id": user_id, "type": "B", "paid": 0, "value": 150}
        user.call("PUT", f"/api/v1/invoices/{created[1]}", json=replacement, headers=auth)
        user.call("GET", f"/api/v1/invoices/{created[1]}", headers=auth)
        if user.chance(0.5):
            user.call("DELETE", f"/api/v1/invoices/{created[1]}", headers=auth)
        user.call("GET", f"/api/v1/invoices?user_id[eq]={user_id}&type[in]=B,P", headers=auth)
        user.call("POST", "/api/v1/logout", headers=auth)


# ---------------------------------------------------------------------------------------------- filestore
FILESTORE_PASSWORD = "secret1"  # noqa: S105 - local accounts only


def filestore(user: User) -> None:
    fields = {"username": user.name[:20], "lastname": "Dupont", "firstname": "Jean", "password": FILESTORE_PASSWORD}
    token = user.call("POST", "/api/user/sign", json=fields).json()["token"]
    login = user.call("GET", f"/api/user/login?username={fields['username']}&password={FILESTORE_PASSWORD}")
    token = login.json()["token"] or token
    session = {"user_token": token}
    for name in ("rapport.txt", "notes.txt"):
        request = {**session, "disk": "main", "folder": "docs", "file_name": name}
        upload = user.call("POST", "/api/files/upload/request", json=request).json()["upload_token"]
        content = user.random.randbytes(2_000)
        user.call("POST", f"/api/files/upload/{upload}", params=session, files={"file": (name, content, "text/plain")})
    user.call("GET", "/api/files/list", params={**session, "disk": "main", "folder": "docs"})
    target = {**session, "disk": "main", "folder": "docs", "file_name": "rapport.txt"}
    asked = user.call("GET", "/api/files/download/request", params={**target, "timeout": 300})
    download = asked.json()["download_token"]
    user.call("GET", f"/api/files/download/{download}", params=session)
    user.call("GET", "/api/files/disks", headers={"Authorization": f"Bearer {token}"})
    if user.chance(0.3):
        user.call("DELETE", "/api/files/delete", params={**target, "file_name": "notes.txt"})
    user.call("GET", "/api/files/list", params={**session, "disk": "main", "folder": "docs"})


Step = Callable[[User], None]
