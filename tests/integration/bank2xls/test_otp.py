from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

from moto.core import DEFAULT_ACCOUNT_ID
from moto.ses.models import ses_backends

from bank2xls import otp
from bank2xls.errors import OtpInvalid, OtpRateLimited
from bank2xls.models import OtpItem
from bank2xls.sessions import identify
from tests.faults import failing
from tests.integration.bank2xls.conftest import Browser, last_code


def unique_email() -> str:
    return f"user-{uuid.uuid4().hex[:10]}@example.com"


def test_request_sends_a_french_code_by_ses_and_stores_only_its_hash(browser):
    email = unique_email()
    answer = browser.call("otp_request", {"email": email.upper()})
    assert answer.status == 200
    assert answer.json == {"status": "OTP_SENT", "message": "Code envoyé par email"}
    code = last_code(email)
    message = ses_backends[DEFAULT_ACCOUNT_ID]["us-east-1"].sent_messages[-1]
    assert "Votre code de connexion" in message.subject and code in message.body
    stored = OtpItem.get(*OtpItem.key(email))
    assert code not in stored.code_hash and len(stored.code_hash) == 64


def test_verify_signs_in_sets_both_cookies_and_knows_new_users(browser):
    email = unique_email()
    first = browser.sign_in(email)
    assert first.status == 200 and first.json["status"] == "AUTHENTICATED" and first.json["isNewUser"] is True
    names = {cookie.split("=", 1)[0] for cookie in first.cookies}
    assert names == {"pg1_session", "pg1_auth"}
    assert all("HttpOnly" in cookie for cookie in first.cookies)
    assert any("Max-Age=2592000" in c for c in first.cookies if c.startswith("pg1_auth"))
    again = Browser().sign_in(email)
    assert again.json["isNewUser"] is False and again.json["userId"] == first.json["userId"]


def test_codes_are_single_use(browser):
    email = unique_email()
    browser.call("otp_request", {"email": email})
    code = last_code(email)
    assert browser.call("otp_verify", {"email": email, "otp": code}).status == 200
    replay = Browser().call("otp_verify", {"email": email, "otp": code})
    assert (replay.status, replay.json["error"]["code"]) == (400, "OTP_CONSUMED")


def test_wrong_codes_are_limited_per_code(browser):
    email = unique_email()
    browser.call("otp_request", {"email": email})
    right = last_code(email)
    wrong = "000000" if right != "000000" else "111111"
    codes = [browser.call("otp_verify", {"email": email, "otp": wrong}).json["error"]["code"] for _ in range(5)]
    assert codes == ["OTP_INVALID"] * 5
    # After five wrong tries even the right code is refused
    assert browser.call("otp_verify", {"email": email, "otp": right}).json["error"]["code"] == "OTP_RATE_LIMITED"


def test_expired_codes(browser):
    email = unique_email()
    browser.call("otp_request", {"email": email})
    OtpItem.get(*OtpItem.key(email)).update(actions=[OtpItem.valid_until.set(datetime.now(UTC) - timedelta(seconds=1))])
    answer = browser.call("otp_verify", {"email": email, "otp": last_code(email)})
    assert (answer.status, answer.json) == (400, {"error": {"code": "OTP_EXPIRED", "message": "Code OTP expiré"}})


def test_invalid_emails(browser):
    for body in ({"email": "not-an-email"}, {"email": ""}, {}, {"email": 42}):
        answer = browser.call("otp_request", body)
        assert (answer.status, answer.json["error"]["code"]) == (400, "INVALID_EMAIL"), body


def test_five_requests_per_email_per_hour_with_headers(browser):
    email = unique_email()
    remaining = []
    for _ in range(5):
        answer = browser.call("otp_request", {"email": email})
        assert answer.status == 200
        remaining.append(answer.headers["x-ratelimit-remaining"])
    assert remaining == ["4", "3", "2", "1", "0"]
    sixth = browser.call("otp_request", {"email": email})
    assert sixth.status == 429 and sixth.json["error"]["code"] == "OTP_RATE_LIMITED"
    assert sixth.headers["x-ratelimit-limit"] == "5" and sixth.headers["x-ratelimit-remaining"] == "0"
    assert int(sixth.headers["x-ratelimit-reset"]) > datetime.now(UTC).timestamp()
    # Retry-After: the seconds until the window resets
    retry_after = int(sixth.headers["retry-after"])
    assert 0 < retry_after <= 3600
    assert abs(int(sixth.headers["x-ratelimit-reset"]) - datetime.now(UTC).timestamp() - retry_after) <= 2


def test_twenty_requests_per_ip_per_day(bank2xls):
    client = Browser(source_ip=f"198.51.100.{uuid.uuid4().int % 250}")
    answers = [client.call("otp_request", {"email": unique_email()}) for _ in range(21)]
    assert [answer.status for answer in answers] == [200] * 20 + [429]
    assert 0 < int(answers[-1].headers["retry-after"]) <= 86400


def test_logout_ends_the_session_server_side(browser):
    browser.sign_in(unique_email())
    stolen = dict(browser.jar)
    assert browser.call("logout").json == {"status": "LOGGED_OUT"}
    assert browser.jar == {}  # both cookies cleared
    replay = Browser()
    replay.jar = stolen
    assert replay.call("conversions_history").status == 401


def test_thirty_two_parallel_wrong_codes_compare_five(browser):
    # Given one code sent
    email = unique_email()
    browser.call("otp_request", {"email": email})
    right = last_code(email)
    wrong = "000000" if right != "000000" else "111111"

    def verify(_: int) -> str:
        try:
            otp.verify_code(email, wrong, identify(None, None, "198.18.0.1"))
        except OtpInvalid:
            return "OTP_INVALID"
        except OtpRateLimited:
            return "OTP_RATE_LIMITED"
        return "AUTHENTICATED"

    # When 32 wrong guesses race
    with ThreadPoolExecutor(max_workers=16) as pool:
        outcomes = list(pool.map(verify, range(32)))
    # Then each was counted before its comparison: exactly five compared, the rest refused
    assert sorted(outcomes) == ["OTP_INVALID"] * 5 + ["OTP_RATE_LIMITED"] * 27
    assert OtpItem.get(*OtpItem.key(email)).attempts == 5
    assert browser.call("otp_verify", {"email": email, "otp": right}).json["error"]["code"] == "OTP_RATE_LIMITED"


def test_a_right_code_among_parallel_guesses_wins_only_within_the_five_tries(browser):
    email = unique_email()
    browser.call("otp_request", {"email": email})
    right = last_code(email)
    guesses = [right if n == 20 else f"{(int(right) + 1 + n) % 1_000_000:06d}" for n in range(32)]

    def verify(code: str) -> str:
        try:
            otp.verify_code(email, code, identify(None, None, "198.18.0.2"))
        except (OtpInvalid, OtpRateLimited) as error:
            return error.code
        return "AUTHENTICATED"

    with ThreadPoolExecutor(max_workers=16) as pool:
        outcomes = list(pool.map(verify, guesses))
    assert outcomes.count("OTP_INVALID") + outcomes.count("AUTHENTICATED") == 5
    assert set(outcomes) <= {"OTP_INVALID", "OTP_RATE_LIMITED", "AUTHENTICATED"}


def test_a_code_that_could_not_be_mailed_is_a_503_and_does_not_count_against_the_limits(browser):
    # Given SES throttling every send
    email = unique_email()
    with failing("sesv2", "SendEmail", "TooManyRequestsException", 429) as refused:
        answers = [browser.call("otp_request", {"email": email}) for _ in range(6)]
    # Then each request is the documented unavailable answer, with Retry-After
    assert refused[0] == 6
    assert {(a.status, a.json["error"]["code"], a.headers["retry-after"]) for a in answers} == {
        (503, "SERVICE_UNAVAILABLE", "5")
    }
    # And none of them used the address's five requests an hour (nor the IP's)
    assert [browser.call("otp_request", {"email": email}).status for _ in range(6)] == [200] * 5 + [429]


def test_a_code_that_could_not_be_stored_does_not_count_either(browser):
    email = unique_email()
    with failing("dynamodb", "PutItem", "ProvisionedThroughputExceededException", 400, times=1):
        assert browser.call("otp_request", {"email": email}).status == 503
    assert [browser.call("otp_request", {"email": email}).status for _ in range(6)] == [200] * 5 + [429]


def test_hits_are_given_back_even_when_the_first_try_to_give_one_back_is_throttled(browser):
    # Given SES refusing the mail, and DynamoDB throttling the first refund (the two counted hits pass)
    email = unique_email()
    with (
        failing("sesv2", "SendEmail", "TooManyRequestsException", 429),
        failing("dynamodb", "UpdateItem", "ThrottlingException", 400, times=1, skip=2) as throttled,
    ):
        assert browser.call("otp_request", {"email": email}).status == 503
    # Then the refund was tried again: the address still has its five requests
    assert throttled[0] == 1
    assert [browser.call("otp_request", {"email": email}).status for _ in range(6)] == [200] * 5 + [429]


def test_a_verification_that_failed_leaves_its_code_for_the_retry(browser):
    # Given a right code whose sign-in DynamoDB refuses (the code, the account and the sign-in: one transaction)
    email = unique_email()
    browser.call("otp_request", {"email": email})
    code = last_code(email)
    with failing("dynamodb", "TransactWriteItems", "ThrottlingException", 400) as refused:
        failed = browser.call("otp_verify", {"email": email, "otp": code})
    assert refused[0] >= 1 and (failed.status, failed.json["error"]["code"]) == (503, "SERVICE_UNAVAILABLE")
    assert OtpItem.get(*OtpItem.key(email), consistent_read=True).consumed is False

    # When the client retries it as it was
    retried = browser.call("otp_verify", {"email": email, "otp": code})

    # Then it signs in to a new account, once, and the code is used up
    assert retried.status == 200 and retried.json["isNewUser"] is True
    replay = Browser().call("otp_verify", {"email": email, "otp": code})
    assert (replay.status, replay.json["error"]["code"]) == (400, "OTP_CONSUMED")
