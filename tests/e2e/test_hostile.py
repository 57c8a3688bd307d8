"""Hostile input over HTTP, generated from the template's routes: no request ever gets a 5xx.

Every route of every API gets every body class that once crashed a function,
signed in where the API has sessions, so the body reaches the code that reads it.
"""

from __future__ import annotations

import json
import os
import re
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
import requests

from tools.fuzz.callers import client, credentials
from tools.local.template import Route, Template

pytestmark = pytest.mark.e2e

# Field names the APIs read, so a hostile value lands where a real one would.
FIELDS = ("email", "password", "otp", "code", "giftCode", "planId", "reason", "amount", "payment-hash", "name")
BODIES: dict[str, tuple[str, bytes]] = {
    "invalid UTF-8 JSON": ("application/json", b'{"email": "\xff\xfe", "code": "\xc3\x28"}'),
    "invalid UTF-8 form": ("application/x-www-form-urlencoded", b"email=\xff\xfe&password=\xc3\x28"),
    "invalid UTF-8, no type": ("", b'{"email": "\xff\xfe"}'),
    "multipart without boundary": ("multipart/form-data", b'--x\r\nContent-Disposition: form-data; name="a"\r\n\r\n1'),
    "broken multipart": ("multipart/form-data; boundary=x", b"--x\r\nno headers\r\n"),
    "JSON nested 10,000 deep": ("application/json", b"[" * 10_000 + b"]" * 10_000),
    "JSON object nested 10,000 deep": ("application/json", b'{"a":' * 10_000 + b"1" + b"}" * 10_000),
    "JSON integer of 5,000 digits": (
        "application/json",
        json.dumps(dict.fromkeys(FIELDS, 0)).replace("0", "9" * 5000).encode(),
    ),
    "JSON numbers out of range": ("application/json", b'{"amount": 1e400, "value": 1e300, "amount_cents": -1e-300}'),
    "lone surrogates": ("application/json", json.dumps(dict.fromkeys(FIELDS, "\ud800"), ensure_ascii=True).encode()),
    "NaN": ("application/json", b'{"amount": NaN, "value": Infinity}'),
}
UNKNOWN_METHODS = ("TRACE", "PROPFIND", "FOO", "CONNECTX")


APIS = list(Template().http_apis.values())
PORTS = {api.name: api.port for api in APIS}
ROUTES = [(api.name, route) for api in APIS for route in api.routes if route.path != "$default"]


def concrete(path: str) -> str:
    """A plausible path for a route template: every parameter filled."""
    return re.sub(r"\{(\w+)\+?\}", lambda found: "1" if found.group(1).endswith("_id") else "a1b2c3", path)


@pytest.fixture(scope="module")
def signed_in(local_server: None) -> dict[str, dict[str, str]]:
    if "LNUPLOAD_URL" in os.environ:
        pytest.skip("signs in with the local fakes")
    return {name: credentials(name, f"http://127.0.0.1:{port}") for name, port in PORTS.items()}


@pytest.mark.parametrize("api", list(PORTS))
def test_no_hostile_body_gets_a_server_error(api: str, signed_in: dict[str, dict[str, str]]) -> None:
    # Route by route, every hostile body in turn: each function starts once (a body kind at a time over
    # every route would cycle more functions than the local server keeps alive, restarting them all).
    http = client()
    failures: list[str] = []

    def send(route: Route, kind: str, headers: dict[str, str]) -> None:
        content_type, body = BODIES[kind]
        method = "POST" if route.method == "ANY" else route.method
        url = f"http://127.0.0.1:{PORTS[api]}{concrete(route.path)}"
        sent = {**headers, **({"Content-Type": content_type} if content_type else {})}
        answer = http.request(method, url, data=body, headers=sent, timeout=60, allow_redirects=False)
        if answer.status_code >= 500 or "Traceback" in answer.text:
            who = "signed in" if headers else "anonymous"
            failures.append(f"{kind}: {method} {url} {who}: {answer.status_code}")
        _in_envelope(api, answer)

    for name, route in ROUTES:
        if name != api:
            continue
        for kind in BODIES:
            send(route, kind, {})
            if signed_in.get(api) and not route.path.endswith("logout"):  # the session must outlive the test
                send(route, kind, signed_in[api])
    assert not failures, "\n".join(failures)


def _in_envelope(api: str, answer: requests.Response) -> None:
    """A refusal in the API's own JSON envelope (pages and redirects aside)."""
    if answer.status_code in (301, 302, 303) or answer.headers.get("Content-Type", "").startswith("text/html"):
        return
    payload: Any = answer.json()
    if api == "lnupload":
        assert answer.status_code == 200 and "success" in payload, answer.text


@pytest.mark.parametrize("method", UNKNOWN_METHODS)
def test_undeclared_methods_reach_the_default_route(method: str, local_server: None) -> None:
    for api, port in PORTS.items():
        answer = requests.request(method, f"http://127.0.0.1:{port}/anything", timeout=30)
        assert answer.status_code < 500 and answer.headers["Content-Type"].startswith("application/json"), (
            api,
            answer.status_code,
            answer.text[:200],
        )
        answer.json()


def test_thirty_two_parallel_clients_all_get_answers(local_server: None) -> None:
    port = PORTS["invoice_api"]

    def ask(_: int) -> int:
        return requests.get(f"http://127.0.0.1:{port}/api/v1/users", timeout=60).status_code

    with ThreadPoolExecutor(max_workers=32) as pool:
        statuses = list(pool.map(ask, range(32)))
    assert statuses == [401] * 32
