"""GET /api/user/login: a fresh session for the right pair, one and the same 400 for anything else."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from filestore import users
from filestore.errors import BadCredentials, TooManyAttempts
from filestore.models import UserItem
from filestore.settings import settings
from shared import throttle
from tests.hashes import current, older_hash
from tests.integration.filestore.conftest import BAD_CREDENTIALS, PASSWORD, Client, member, sign_up, unique_name

TOO_MANY = {"message": "Trop de tentatives de connexion. Veuillez réessayer plus tard."}


def address() -> str:
    return f"198.51.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}"


def throttled(answer: Any, longest: int) -> bool:
    return (answer.status, answer.json) == (429, TOO_MANY) and 0 < int(answer.headers["retry-after"]) <= longest


@pytest.fixture
def account(filestore) -> Any:
    username = unique_name("login")
    answer = sign_up(username, lastname="Dupont", firstname="Jean")
    assert answer.status == 200
    return answer.json


@pytest.mark.parametrize("via", ["query", "json", "form"])
def test_login_answers_the_documented_shape_with_a_fresh_token(account, via):
    # When logging in with the username and password (query string as documented, or a body)
    answer = Client().call("user_login", {"username": account["username"], "password": PASSWORD}, via=via)
    # Then the same shape as sign-up, a new token
    assert answer.status == 200
    assert list(answer.json) == ["id", "token", "username", "lastname", "firstname"]
    assert {k: v for k, v in answer.json.items() if k != "token"} == {
        "id": account["id"],
        "username": account["username"],
        "lastname": "Dupont",
        "firstname": "Jean",
    }
    assert answer.json["token"] != account["token"]
    # And both sessions work
    for token in (answer.json["token"], account["token"]):
        assert Client(token).call("disks").status == 200


def test_the_username_is_matched_whatever_its_case(account):
    answer = Client().call("user_login", {"username": account["username"].upper(), "password": PASSWORD})
    assert answer.status == 200 and answer.json["username"] == account["username"]


@pytest.mark.parametrize(
    "given",
    [
        {"password": "wrong-pass"},
        {"password": PASSWORD.upper()},
        {"password": ""},
        {"password": None},
        {"username": "nobody-here", "password": PASSWORD},
        {"username": "", "password": PASSWORD},
        {"username": None, "password": None},
        {"username": "x" * 500, "password": PASSWORD},
    ],
)
def test_any_failure_is_the_same_documented_400(account, given):
    params = {"username": account["username"], **given}
    answer = Client().call("user_login", params)
    assert answer.status == 400
    assert answer.json == BAD_CREDENTIALS


def test_unknown_user_and_wrong_password_cannot_be_told_apart(account):
    unknown = Client().call("user_login", {"username": unique_name("ghost"), "password": PASSWORD})
    wrong = Client().call("user_login", {"username": account["username"], "password": "not-it-1"})
    assert (unknown.status, unknown.json, unknown.headers) == (wrong.status, wrong.json, wrong.headers)


def test_the_documented_event_file_logs_in_jdupont(filestore):
    # events/filestore/user_login.json: jdupont / secret1 (signed up by the user_sign event if needed)
    Client().call("user_sign")
    answer = Client().call("user_login")
    assert answer.status == 200 and answer.json["username"] == "jdupont"


def test_passwords_in_the_query_string_are_never_logged(account, capsys):
    Client().call("user_login", {"username": account["username"], "password": PASSWORD})
    Client().call("user_login", {"username": account["username"], "password": "leaked-pw-9"})
    logs = capsys.readouterr()
    assert PASSWORD not in logs.out + logs.err
    assert "leaked-pw-9" not in logs.out + logs.err


def test_a_member_helper_session_is_a_login_session(filestore):
    assert member().call("disks").json["disks"]


def test_five_failures_a_minute_for_one_user_from_one_address_then_429(account):
    # Given one address guessing one user's password
    guesser = Client(source_ip=address())
    wrong = [guesser.call("user_login", {"username": account["username"], "password": f"guess-{n}"}) for n in range(5)]
    # Then five documented 400s, then 429 with Retry-After, even for the right password in another case
    assert [(answer.status, answer.json) for answer in wrong] == [(400, BAD_CREDENTIALS)] * 5
    assert throttled(guesser.call("user_login", {"username": account["username"].upper(), "password": PASSWORD}), 60)
    # While the owner logs in from elsewhere
    owner = Client(source_ip=address()).call("user_login", {"username": account["username"], "password": PASSWORD})
    assert owner.status == 200


def test_ten_failures_for_one_user_from_any_address_then_429_for_fifteen_minutes(account):
    for _ in range(10):
        answer = Client(source_ip=address()).call("user_login", {"username": account["username"], "password": "no-no"})
        assert answer.status == 400
    # The trade-off: the owner too is refused until the 15-minute window ends
    owner = Client(source_ip=address()).call("user_login", {"username": account["username"], "password": PASSWORD})
    assert throttled(owner, 900)


def test_sixteen_parallel_wrong_passwords_check_five(account):
    # Given one address and one user, When 16 wrong passwords are tried at once
    source_ip = address()

    def log_in(n: int) -> str:
        try:
            users.log_in(account["username"], f"guess-{n}", source_ip)
        except BadCredentials:
            return "400"
        except TooManyAttempts:
            return "429"
        return "200"

    with ThreadPoolExecutor(max_workers=16) as pool:
        outcomes = list(pool.map(log_in, range(16)))
    # Then exactly five were checked
    assert sorted(outcomes) == ["400"] * 5 + ["429"] * 11


def test_fifty_failures_from_one_address_then_429_whatever_the_user(filestore):
    # Given an address with 49 failed logins this hour (counted through the same throttle, without argon2)
    source_ip = address()

    def refused() -> None:
        raise BadCredentials()

    for _ in range(49):
        with pytest.raises(BadCredentials):
            throttle.guarded(
                settings().table_name, [(throttle.LOGIN_IP, source_ip)], refused, failures=(BadCredentials,)
            )
    # When one more fails, Then its 400, and the next login from there is 429 for the rest of the hour
    guesser = Client(source_ip=source_ip)
    assert guesser.call("user_login", {"username": unique_name("ghost"), "password": "x"}).status == 400
    someone = member()
    assert throttled(guesser.call("user_login", {"username": someone.user["username"], "password": PASSWORD}), 3600)
    other = Client(source_ip=address()).call("user_login", {"username": someone.user["username"], "password": PASSWORD})
    assert other.status == 200


def test_a_password_hashed_with_older_parameters_is_rehashed_at_login(account):
    # Given an account whose stored hash has older argon2 parameters
    key = UserItem.key(account["username"])
    UserItem.get(*key).update(actions=[UserItem.password_hash.set(older_hash(PASSWORD))])
    # When it logs in
    assert Client().call("user_login", {"username": account["username"], "password": PASSWORD}).status == 200
    # Then its hash is now at the current parameters, for the same password
    assert current(UserItem.get(*key).password_hash, PASSWORD)
