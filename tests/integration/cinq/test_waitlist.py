from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor

from cinq import waitlist
from cinq.errors import AlreadyRegistered
from tests.integration.cinq.conftest import Client


def test_join_answers_201_with_the_new_count_and_counts_are_read_back(cinq):
    before = Client().call("waitlist_count").json["count"]
    email = f"wait-{uuid.uuid4().hex[:8]}@example.com"
    joined = Client().call("waitlist_join", {"email": email, "referrer": "twitter", "utm_source": "twitter"})
    assert joined.status == 201
    assert joined.json == {"success": True, "message": "Bienvenue dans le cercle !", "count": before + 1}
    assert Client().call("waitlist_count").json == {"count": before + 1}


def test_one_address_signs_up_once_whatever_its_case_or_spaces(cinq):
    email = f"Wait-{uuid.uuid4().hex[:8]}@Example.com"
    assert Client().call("waitlist_join", {"email": email}).status == 201
    again = Client().call("waitlist_join", {"email": f"  {email.upper()} "})
    assert again.status == 409
    assert again.json == {"success": False, "error": "Email already registered", "code": "already_registered"}


def test_invalid_emails_are_400(cinq):
    for body in ({"email": "nope"}, {}, {"email": 3}):
        answer = Client().call("waitlist_join", body)
        assert answer.status == 400 and answer.json["success"] is False and answer.json["code"] == "INVALID_EMAIL"


def test_the_count_is_exact_under_parallel_sign_ups(cinq):
    # Given 20 sign-ups racing, 5 of them for the same address (through the logic: see test_credits)
    before = waitlist.count()
    shared = f"same-{uuid.uuid4().hex[:8]}@example.com"
    emails = [f"p{i}-{uuid.uuid4().hex[:6]}@example.com" for i in range(15)] + [shared] * 5

    def join(email: str) -> bool:
        try:
            waitlist.join(email)
        except AlreadyRegistered:
            return False
        return True

    with ThreadPoolExecutor(max_workers=10) as pool:
        accepted = list(pool.map(join, emails))
    # Then 16 entries, and the count moved by exactly 16
    assert accepted.count(True) == 16
    assert waitlist.count() == before + 16
