"""GET /api/user/login: a fresh session for the right pair, one and the same 400 for anything else."""

from __future__ import annotations

from typing import Any

import pytest

from tests.integration.filestore.conftest import BAD_CREDENTIALS, PASSWORD, Client, member, sign_up, unique_name


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
