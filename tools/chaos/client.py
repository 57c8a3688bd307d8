"""A chaos client: one user's HTTP session that tells the API's documented answers apart, and retries the
"unavailable" ones as a well-behaved client would.

Every answer is counted by status. An answer with a 5xx status must be the API's documented unavailable
answer (503 in its envelope with `Retry-After`, or the spec's 502 for a payment provider); lnupload answers
HTTP 200 always. Anything else (a bare gateway 500, a 5xx outside the envelope, no answer at all) is a
violation, recorded with the request that got it.
"""

from __future__ import annotations

import json
import random
import re
import threading
import time
from collections import Counter
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass, field
from typing import Any

import requests

from tools.local.source_address import BoundAdapter

TIMEOUT = 60
TRIES = 10  # one request and its retries while the API answers "unavailable"
PAUSE = 0.25  # the first wait before a retry, doubling to PAUSE_MAX (Retry-After says 5 s: the run stays short)
PAUSE_MAX = 1.0
_MAIL = threading.Lock()  # the console's mail box reads moto's whole state: one reader at a time


class Unfinished(Exception):
    """The journey cannot go on: an answer it did not expect, or an API still unavailable after TRIES tries."""


@dataclass
class Tally:
    """What the clients of one API saw during one run."""

    requests: int = 0
    statuses: Counter[int] = field(default_factory=Counter)
    unavailable: int = 0  # documented unavailable answers, each retried
    outside: list[str] = field(default_factory=list)  # 5xx outside the envelope, no answer
    unfinished: list[str] = field(default_factory=list)  # journeys that stopped
    journeys: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def answered(self, status: int, unavailable: bool, problem: str | None) -> None:
        with self.lock:
            self.requests += 1
            self.statuses[status] += 1
            self.unavailable += unavailable
            if problem:
                self.outside.append(problem)

    def no_answer(self, what: str) -> None:
        with self.lock:
            self.requests += 1
            self.statuses[0] += 1
            self.outside.append(what)

    def stopped(self, what: str) -> None:
        with self.lock:
            self.unfinished.append(what)


@dataclass(frozen=True)
class Envelope:
    """How one API answers "unavailable", and which 5xx answers it documents."""

    name: str
    unavailable: Callable[[requests.Response, Any], bool]
    documented_5xx: Callable[[requests.Response, Any], bool]
    always_200: bool = False

    def problem(self, answer: requests.Response, body: Any) -> str | None:
        """Why this answer breaks the API's promises (None: it keeps them)."""
        if self.always_200:
            if answer.status_code != 200 or not isinstance(body, dict) or not isinstance(body.get("success"), bool):
                return f"HTTP {answer.status_code} (lnupload answers HTTP 200 with success true/false)"
            return None
        if answer.status_code < 500:
            return None
        if not self.documented_5xx(answer, body):
            return f"HTTP {answer.status_code} outside the envelope: {answer.text[:120]!r}"
        if answer.status_code == 503 and not answer.headers.get("Retry-After", "").isdigit():
            return "HTTP 503 without Retry-After"
        return None


class Client:
    """One user: its own address, cookies and random draws, reporting to the API's tally."""

    def __init__(self, number: int, base: str, envelope: Envelope, tally: Tally, console: str, address: str) -> None:
        self.number = number
        self.base = base
        self.envelope = envelope
        self.tally = tally
        self.console = console
        self.http = requests.Session()
        self.http.mount("http://", BoundAdapter(address))
        self.random = random.Random(number)  # noqa: S311 - the journey's choices, nothing secret

    def call(
        self,
        method: str,
        path: str,
        expect: tuple[int, ...] = (200,),
        after_retry: tuple[int, ...] = (),
        **kwargs: Any,
    ) -> requests.Response:
        """The API's answer once it is not "unavailable" (retried up to TRIES times); Unfinished when it is not
        one of `expect` (or of `after_retry`, answers a retry may get when an earlier try did part of the work)."""
        route = f"{method} {_route(path)}"
        retried = False
        for attempt in range(TRIES):
            try:
                answer = self.http.request(method, f"{self.base}{path}", timeout=TIMEOUT, **kwargs)
            except requests.RequestException as failure:
                self.tally.no_answer(f"{route}: no answer ({type(failure).__name__})")
                retried = True
                _pause(attempt)
                continue
            body = _json(answer)
            unavailable = self.envelope.unavailable(answer, body)
            problem = self.envelope.problem(answer, body)
            self.tally.answered(answer.status_code, unavailable, f"{route}: {problem}" if problem else None)
            if unavailable:
                retried = True
                _pause(attempt)
                continue
            if answer.status_code in expect or (retried and answer.status_code in after_retry):
                return answer
            raise Unfinished(f"{route}: HTTP {answer.status_code} {answer.text[:160]}")
        raise Unfinished(f"{route}: still unavailable after {TRIES} tries")

    def on_console(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        """The dev console (never faulted): pay, complete a checkout, read mail."""
        with _MAIL if path == "/mail" else nullcontext():
            answer = requests.request(method, f"{self.console}{path}", timeout=TIMEOUT, **kwargs)
        if answer.status_code >= 300:
            raise Unfinished(f"console {method} {path}: HTTP {answer.status_code} {answer.text[:160]}")
        return answer

    def chance(self, probability: float) -> bool:
        return self.random.random() < probability


def _pause(attempt: int) -> None:
    time.sleep(min(PAUSE * 2**attempt, PAUSE_MAX))


def _json(answer: requests.Response) -> Any:
    try:
        return answer.json()
    except (ValueError, json.JSONDecodeError):
        return None


def _route(path: str) -> str:
    """A path without ids or query: problems group by route."""
    path = path.split("?", 1)[0]
    return re.sub(r"/[0-9a-f]{16,}|/\d+|/[A-Za-z0-9_-]{24,}", "/{id}", path)
