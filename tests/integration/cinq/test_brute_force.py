"""cinq's brute-force guard: the spec's per-IP counter, a per-IP ceiling successes do not reset, a per-account
counter for login; each count one conditional update, so parallel guesses check no more than the limit."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor
from functools import partial

from cinq import accounts, gifts, guard
from cinq.errors import BadCredentials, CodeNotFound, RateLimited
from tests.integration.cinq.conftest import PASSWORD, Client, member, new_code

UNKNOWN = "CINQ-AAAA-BBBB-CCCC"
TOO_MANY = {"success": False, "error": "Too many attempts. Please try again later.", "retryAfter": 3600}


def email() -> str:
    return f"brute-{uuid.uuid4().hex[:10]}@example.com"


def blocked_for_an_hour(answer) -> bool:
    retry_after = answer.json.get("retryAfter", 0)
    return (
        answer.status == 429
        and answer.json == {**TOO_MANY, "retryAfter": retry_after}
        and 3590 <= retry_after <= 3600
        and answer.headers["retry-after"] == str(retry_after)
    )


def test_five_failures_each_answer_then_the_sixth_attempt_is_429_and_a_success_resets(cinq):
    # Given one IP guessing codes, 4 failures then a success (which resets the spec's counter)
    guesser = Client()
    assert [guesser.call("gift_verify", {"code": UNKNOWN}).status for _ in range(4)] == [404] * 4
    assert guesser.call("gift_verify", {"code": new_code()}).status == 200
    # When five more fail, Then each gets its own answer, the malformed one its 400
    statuses = [guesser.call("gift_verify", {"code": UNKNOWN}).status for _ in range(4)]
    statuses.append(guesser.call("gift_verify", {"code": "CINQ-1234"}).status)
    assert statuses == [404] * 4 + [400]
    # And the sixth attempt is the spec's 429, for an hour, on every guarded endpoint of that IP
    assert blocked_for_an_hour(guesser.call("gift_verify", {"code": new_code()}))
    assert blocked_for_an_hour(guesser.call("auth_login", {"email": email(), "password": PASSWORD}))
    assert blocked_for_an_hour(guesser.call("gift_redeem", {"code": new_code(), "order_id": "o-1"}))
    # While another IP is not affected
    assert Client().call("gift_verify", {"code": new_code()}).status == 200


def test_one_known_code_does_not_buy_unlimited_guesses(cinq):
    # Given an attacker who knows one valid code and verifies it after every 4 wrong guesses
    guesser, known = Client(), new_code()
    checked = 0
    for _ in range(8):
        answers = [guesser.call("gift_verify", {"code": UNKNOWN}) for _ in range(4)]
        checked += sum(answer.status == 404 for answer in answers)
        if guesser.call("gift_verify", {"code": known}).status != 200:
            break
    # Then the per-IP ceiling (20 failures an hour, successes do not reset it) stops them at 20 guesses
    assert checked == guard.PER_IP_CEILING.max_failures == 20
    assert blocked_for_an_hour(guesser.call("gift_verify", {"code": known}))


def test_logging_into_ones_own_account_does_not_buy_guesses_on_another(cinq):
    # Given an attacker with an account of their own, and a victim
    attacker, victim = member(), member()
    own = {"email": attacker.user["email"], "password": PASSWORD}
    guess = {"email": victim.user["email"], "password": "Guess12345"}
    guesser = Client()
    # When they try 4 passwords for the victim, log into their own account, and repeat
    checked, last = 0, None
    for _ in range(4):
        for _ in range(4):
            last = guesser.call("auth_login", guess)
            checked += last.status == 401
        assert guesser.call("auth_login", own).status == 200
    # Then the victim's account took 10 guesses (per account, whatever the IP), then 429 until its window ends
    assert checked == guard.PER_ACCOUNT.max_failures == 10
    assert last.status == 429 and 0 < last.json["retryAfter"] <= 900
    assert last.headers["retry-after"] == str(last.json["retryAfter"])
    # The trade-off: the owner too, from anywhere, until that window ends; other accounts log in
    assert Client().call("auth_login", {"email": victim.user["email"], "password": PASSWORD}).status == 429
    assert Client().call("auth_login", own).status == 200


def test_sixteen_parallel_guesses_from_one_ip_check_five(cinq):
    # Given one IP, When 16 wrong codes are tried at once through the guard
    source_ip = f"198.20.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}"

    def verify(_: int) -> str:
        try:
            guard.guarded("gift-verify", source_ip, lambda: gifts.verification(gifts.find(UNKNOWN)))
        except CodeNotFound:
            return "404"
        except RateLimited:
            return "429"
        return "200"

    with ThreadPoolExecutor(max_workers=16) as pool:
        outcomes = list(pool.map(verify, range(16)))
    # Then exactly five were checked, the others refused
    assert sorted(outcomes) == ["404"] * 5 + ["429"] * 11


def test_parallel_wrong_passwords_from_many_ips_check_ten_on_one_account(cinq):
    # Given one account, When 16 IPs try a wrong password at once
    victim = email()

    def login(n: int) -> str:
        attempt = partial(accounts.login, victim, "Guess12345")
        try:
            guard.guarded("auth-login", f"198.21.{n}.{uuid.uuid4().int % 250}", attempt, account=victim)
        except BadCredentials:
            return "401"
        except RateLimited:
            return "429"
        return "200"

    with ThreadPoolExecutor(max_workers=16) as pool:
        outcomes = list(pool.map(login, range(16)))
    # Then the account's counter let exactly ten be checked
    assert sorted(outcomes) == ["401"] * 10 + ["429"] * 6
