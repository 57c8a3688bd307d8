"""Signed-in callers of each local API, each from a loopback address of its own.

The gateway takes the source IP from the TCP peer, so a caller bound to its own
127.x.y.z address has its own per-IP limits (OTP requests, brute-force
counters) and cannot exhaust those of other tests or scripts.
"""

from __future__ import annotations

import re
import secrets
import uuid

import requests

from tools.local.local_values import CONSOLE_PORT, LOCAL_SECRETS
from tools.local.source_address import BoundAdapter

CONSOLE = f"http://127.0.0.1:{CONSOLE_PORT}"
ADMIN_KEY = LOCAL_SECRETS["CinqAdminApiKeySecret"]
INVOICE_API_DEMO = {"email": "example.one@example.com", "password": "password"}  # the spec's demo user
TEST_PASSWORD = {"password": "secret1"}


def own_address() -> str:
    return f"127.{secrets.randbelow(250) + 1}.{secrets.randbelow(250) + 1}.{secrets.randbelow(249) + 2}"


def client(source_ip: str | None = None) -> requests.Session:
    """An HTTP client whose requests come from `source_ip` (a fresh loopback address by default)."""
    session = requests.Session()
    session.mount("http://", BoundAdapter(source_ip or own_address()))
    return session


def credentials(api: str, base: str) -> dict[str, str]:
    """Headers of a signed-in caller of `api` (none for lnupload, which has no sessions)."""
    sign_in = {"bank2xls": _bank2xls, "cinq": _cinq, "invoice_api": _invoice_api, "filestore": _filestore}
    return sign_in[api](base, client()) if api in sign_in else {}


def _bank2xls(base: str, http: requests.Session) -> dict[str, str]:
    email = f"fuzz-{uuid.uuid4().hex[:10]}@example.com"
    _ok(http.post(f"{base}/api/auth/otp/request", json={"email": email}, timeout=15))
    mail = _ok(requests.get(f"{CONSOLE}/mail", params={"to": email}, timeout=15)).json()["messages"][0]
    code = re.search(r"\b(\d{6})\b", mail["subject"])
    assert code, mail["subject"]
    _ok(http.post(f"{base}/api/auth/otp/verify", json={"email": email, "otp": code.group(1)}, timeout=15))
    return {"Cookie": "; ".join(f"{cookie.name}={cookie.value}" for cookie in http.cookies)}


def _cinq(base: str, http: requests.Session) -> dict[str, str]:
    admin = {"X-API-Key": ADMIN_KEY}
    code = _ok(http.post(f"{base}/api/gift-create", json={"amount_cents": 1500}, headers=admin, timeout=15))
    account = {"email": f"fuzz-{uuid.uuid4().hex[:10]}@example.com", "password": "SecurePass123"}
    _ok(http.post(f"{base}/api/auth-register", json={**account, "giftCode": code.json()["code"]}, timeout=15))
    session = _ok(http.post(f"{base}/api/auth-login", json=account, timeout=15)).json()["session"]
    return {"Authorization": f"Bearer {session['access_token']}", **admin}


def _invoice_api(base: str, http: requests.Session) -> dict[str, str]:
    token = _ok(http.post(f"{base}/api/v1/login", json=INVOICE_API_DEMO, timeout=15)).json()["data"]["token"]
    return {"Authorization": f"Bearer {token}"}


def _filestore(base: str, http: requests.Session) -> dict[str, str]:
    fields = {"username": f"fz{uuid.uuid4().hex[:10]}", "lastname": "Dupont", "firstname": "Jean", **TEST_PASSWORD}
    token = _ok(http.post(f"{base}/api/user/sign", json=fields, timeout=15)).json()["token"]
    return {"Authorization": f"Bearer {token}"}


def _ok(answer: requests.Response) -> requests.Response:
    assert answer.status_code < 300, f"{answer.request.method} {answer.url}: {answer.status_code} {answer.text[:300]}"
    return answer
