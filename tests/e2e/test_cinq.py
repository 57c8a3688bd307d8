"""cinq over HTTP on the local server: the spec's two complete flows, races, BTCPay, brute force."""

from __future__ import annotations

import json
import random
import re
import subprocess
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
import urllib3

pytestmark = pytest.mark.e2e
ADMIN = {"X-API-Key": "local-admin-key"}
PASSWORD = "SecurePass123"


def curl(command: str) -> tuple[int, dict]:
    done = subprocess.run(
        command + " -s -w '\\n%{http_code}'", shell=True, capture_output=True, text=True, check=True, timeout=30
    )
    body, _, status = done.stdout.rpartition("\n")
    return int(status), json.loads(body)


def new_code(base: str) -> str:
    answer = requests.post(f"{base}/api/gift-create", json={"amount_cents": 1500}, headers=ADMIN, timeout=10)
    assert answer.status_code == 201, answer.text
    return answer.json()["code"]


def member(base: str) -> tuple[str, str, str]:
    """(user id, email, token) of a fresh account."""
    email = f"e2e-{uuid.uuid4().hex[:10]}@example.com"
    body = {"email": email, "password": PASSWORD, "giftCode": new_code(base)}
    assert requests.post(f"{base}/api/auth-register", json=body, timeout=15).status_code == 201
    login = requests.post(f"{base}/api/auth-login", json={"email": email, "password": PASSWORD}, timeout=15).json()
    return login["user"]["id"], email, login["session"]["access_token"]


def test_the_documented_sign_up_flow_verbatim(cinq_url):
    # 1. Verify the gift code (the spec's example code exists in every fresh local run)
    status, verified = curl(f"""curl -X POST {cinq_url}/api/gift-verify \\
  -H "Content-Type: application/json" \\
  -d '{{"code": "CINQ-A1B2-C3D4-E5F6"}}'""")
    assert status == 200 and verified["code_prefix"] == "CINQ-A1B2"
    # 2. Create the account (a server reused from an earlier run already has it: 409, same password)
    status, registered = curl(f"""curl -X POST {cinq_url}/api/auth-register \\
  -H "Content-Type: application/json" \\
  -d '{{
    "email": "hello@example.com",
    "password": "SecurePass123",
    "giftCode": "CINQ-A1B2-C3D4-E5F6"
  }}'""")
    assert status == 201 or (status == 409 and verified["status"] == "redeemed"), registered
    # 3. Log in
    status, login = curl(f"""curl -X POST {cinq_url}/api/auth-login \\
  -H "Content-Type: application/json" \\
  -d '{{
    "email": "hello@example.com",
    "password": "SecurePass123"
  }}'""")
    assert status == 200 and login["session"]["token_type"] == "bearer"
    token = login["session"]["access_token"]
    # 4. The profile with the token
    status, profile = curl(f"""curl -X GET {cinq_url}/api/user-profile \\
  -H "Authorization: Bearer {token}" """)
    assert status == 200 and profile["profile"]["email"] == "hello@example.com"


def test_add_a_contact_then_ping_and_message_as_documented(cinq_url):
    friend_id, friend_email, friend_token = member(cinq_url)
    _, _, token = member(cinq_url)
    status, added = curl(f"""curl -X POST {cinq_url}/api/contacts \\
  -H "Authorization: Bearer {token}" \\
  -H "Content-Type: application/json" \\
  -d '{{"email": "{friend_email}"}}'""")
    assert status == 201 and added["contact"]["user_id"] == friend_id
    status, ping = curl(f"""curl -X POST {cinq_url}/api/messages \\
  -H "Authorization: Bearer {token}" \\
  -H "Content-Type: application/json" \\
  -d '{{"contact_id": "{friend_id}", "is_ping": true}}'""")
    assert status == 201 and ping["message"]["content"] == "💫"
    status, _ = curl(f"""curl -X POST {cinq_url}/api/messages \\
  -H "Authorization: Bearer {token}" \\
  -H "Content-Type: application/json" \\
  -d '{{"contact_id": "{friend_id}", "content": "Salut !"}}'""")
    assert status == 201
    status, read = curl(f"""curl -X GET "{cinq_url}/api/messages?contact_id={friend_id}" \\
  -H "Authorization: Bearer {token}" """)
    assert status == 200 and [m["content"] for m in read["messages"]] == ["💫", "Salut !"]
    # The friend has not added us back: not in their circle
    theirs = requests.get(
        f"{cinq_url}/api/messages",
        params={"contact_id": added["contact"]["user_id"]},
        headers={"Authorization": f"Bearer {friend_token}"},
        timeout=10,
    )
    assert theirs.status_code == 403


def test_sixteen_clients_redeem_one_code_exactly_one_wins(cinq_url):
    code = new_code(cinq_url)
    with ThreadPoolExecutor(max_workers=16) as pool:
        answers = list(
            pool.map(
                lambda i: requests.post(
                    f"{cinq_url}/api/gift-redeem", json={"code": code, "order_id": f"o{i}"}, timeout=30
                ),
                range(16),
            )
        )
    statuses = [answer.status_code for answer in answers]
    # 429: more than 5 at once from one address meet the brute-force guard's cap on attempts in flight
    assert statuses.count(200) == 1 and set(statuses) <= {200, 400, 409, 429}


def test_parallel_contact_adds_stop_at_five(cinq_url):
    _, _, token = member(cinq_url)
    friends = [member(cinq_url)[1] for _ in range(8)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(
            pool.map(
                lambda email: requests.post(
                    f"{cinq_url}/api/contacts",
                    json={"email": email},
                    headers={"Authorization": f"Bearer {token}"},
                    timeout=30,
                ),
                friends,
            )
        )
    assert sorted(a.status_code for a in answers) == [201] * 5 + [400] * 3
    assert {a.json()["code"] for a in answers if a.status_code == 400} == {"LIMIT_REACHED"}


def test_btcpay_settlement_mails_a_code_once_and_forgeries_are_refused(cinq_url, console_url):
    email = f"btc-{uuid.uuid4().hex[:8]}@example.com"
    invoice = requests.post(
        f"{console_url}/btcpay/invoices",
        timeout=10,
        json={"amount": "15.00", "currency": "EUR", "metadata": {"buyerEmail": email}},
    ).json()
    settled = requests.post(f"{console_url}/btcpay/invoices/{invoice['id']}/settle", timeout=30).json()
    assert all(delivery["status"] == 200 for delivery in settled["deliveries"])
    mails = requests.get(f"{console_url}/mail", params={"to": email}, timeout=10).json()["messages"]
    assert len(mails) == 1
    code = re.search(r"CINQ-[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}", mails[0]["text"]).group(0)
    assert requests.post(f"{cinq_url}/api/gift-verify", json={"code": code}, timeout=10).json()["status"] == "active"
    last = settled["deliveries"][-1]["deliveryId"]
    assert requests.post(f"{console_url}/btcpay/deliveries/{last}/redeliver", timeout=30).status_code == 200
    assert len(requests.get(f"{console_url}/mail", params={"to": email}, timeout=10).json()["messages"]) == 1
    forged = requests.post(
        f"{cinq_url}/api/btcpay-webhook",
        data=json.dumps({"type": "InvoiceSettled"}),
        headers={"BTCPay-Sig": "sha256=" + "0" * 64, "Content-Type": "application/json"},
        timeout=10,
    )
    assert forged.status_code == 401


def test_http_details(cinq_url):
    assert requests.put(f"{cinq_url}/api/contacts", timeout=10).status_code == 405
    assert requests.get(f"{cinq_url}/api/nothing", timeout=10).json()["code"] == "NOT_FOUND"
    preflight = requests.options(
        f"{cinq_url}/api/messages",
        timeout=10,
        headers={
            "Origin": "https://cinq.app",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization,content-type",
        },
    )
    assert preflight.status_code == 204 and preflight.headers["Access-Control-Allow-Origin"] == "*"
    broken = requests.post(
        f"{cinq_url}/api/waitlist", data="{nope", headers={"Content-Type": "application/json"}, timeout=10
    )
    assert broken.status_code == 400 and broken.json()["success"] is False
    alias = requests.get(f"{cinq_url}/.netlify/functions/waitlist", timeout=10)
    assert alias.status_code == 200 and "count" in alias.json()


def test_brute_force_blocks_one_address_for_an_hour(cinq_url):
    # From an address of its own (the gateway takes the TCP peer), so other tests keep working
    own_ip = f"127.{random.randint(1, 250)}.{random.randint(1, 250)}.{random.randint(2, 250)}"
    http = urllib3.PoolManager(source_address=(own_ip, 0))

    def verify() -> urllib3.BaseHTTPResponse:
        return http.request("POST", f"{cinq_url}/api/gift-verify", json={"code": "CINQ-AAAA-BBBB-CCCC"})

    # Five failures each get their own answer, the sixth attempt the spec's 429 for an hour
    assert [verify().status for _ in range(5)] == [404] * 5
    blocked = verify()
    retry_after = int(blocked.headers["Retry-After"])
    assert blocked.status == 429 and 3590 <= retry_after <= 3600
    assert blocked.json() == {
        "success": False,
        "error": "Too many attempts. Please try again later.",
        "retryAfter": retry_after,
    }
    login = http.request("POST", f"{cinq_url}/api/auth-login", json={"email": "a@b.co", "password": "x"})
    assert login.status == 429
    assert (
        requests.post(f"{cinq_url}/api/gift-verify", json={"code": "CINQ-AAAA-BBBB-CCCC"}, timeout=10).status_code
        == 404
    )  # 127.0.0.1 is not blocked
