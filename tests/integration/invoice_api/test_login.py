"""POST /api/v1/login and /api/v1/logout, and the bearer token every other endpoint requires."""

from __future__ import annotations

import re
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest

from invoice_api import auth
from invoice_api.errors import NotAuthorized, TooManyAttempts
from invoice_api.models import AccessToken, Login
from invoice_api.settings import settings
from shared import throttle
from shared.passwords import hash_password, upgrade_stored_hash
from tests.hashes import current, older_hash
from tests.integration.invoice_api.conftest import ONE, Client
from tools.seed import DEMO_PASSWORD

REFUSED = {"message": "Not Authorized", "status": 403, "data": []}
UNAUTHENTICATED = {"message": "Unauthenticated.", "status": 401, "data": []}
TOO_MANY = {"message": "Too Many Attempts.", "status": 429, "data": []}
TWO, THREE = "example.two@example.com", "example.three@example.com"


def address() -> str:
    return f"198.51.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}"


def throttled(answer, longest: int) -> bool:
    return (answer.status, answer.json) == (429, TOO_MANY) and 0 < int(answer.headers["retry-after"]) <= longest


def test_login_as_documented(invoice_table):
    # Given the spec's demo user, When it logs in with the event's body
    answer = Client().call("login")
    # Then the spec's envelope carries a Sanctum-like token, stored hashed with an expiry
    assert answer.status == 200
    assert list(answer.json) == ["message", "status", "data"]
    assert (answer.json["message"], answer.json["status"]) == ("Authorized", 200)
    token = answer.json["data"]["token"]
    token_id, secret = re.fullmatch(r"(\d+)\|([A-Za-z0-9]{40})", token).groups()
    stored = AccessToken.get(*AccessToken.key(token_id))
    assert secret not in stored.token_hash and len(stored.token_hash) == 64
    assert timedelta(hours=23) < stored.valid_until - datetime.now(UTC) <= timedelta(hours=24)
    assert stored.expires_at == stored.valid_until


def test_the_email_is_not_case_sensitive(invoice_table):
    assert Client().call("login", {"email": "  Example.One@Example.com ", "password": "password"}).status == 200


@pytest.mark.parametrize(
    "body",
    [
        {"email": ONE, "password": "wrong"},
        {"email": "nobody@example.com", "password": "password"},
        {"email": ONE},
        {"password": "password"},
        {},
        {"email": ONE, "password": 12345678},
    ],
)
def test_wrong_or_missing_credentials_are_403_alike(invoice_table, body):
    answer = Client().call("login", body)
    assert (answer.status, answer.json) == (403, REFUSED)


def test_an_unreadable_body_is_refused_the_same_way(invoice_table):
    for raw in ("{not json", "[]", ""):
        answer = Client().call("login", raw=raw)
        assert (answer.status, answer.json) == (403, REFUSED), raw


def test_curl_data_without_a_json_content_type_still_logs_in(invoice_table):
    # `curl --data '{...}'` sends application/x-www-form-urlencoded
    body = '{"email": "example.one@example.com", "password": "password"}'
    answer = Client().call("login", raw=body, headers={"content-type": "application/x-www-form-urlencoded"})
    assert answer.status == 200


def test_a_form_post_logs_in_as_laravel_would_accept(invoice_table):
    body = "email=example.one%40example.com&password=password"
    answer = Client().call("login", raw=body, headers={"content-type": "application/x-www-form-urlencoded"})
    assert answer.status == 200


def test_logout_revokes_the_presented_token_only(invoice_table):
    # Given two sessions of the same user
    first, second = Client().login(), Client().login()
    assert first.call("users_list").status == 200
    # When the first logs out
    answer = first.call("logout")
    # Then its token no longer works, the other one does
    assert (answer.status, answer.json) == (200, {"message": "Token Revoked", "status": 200, "data": []})
    assert (first.call("users_list").status, first.call("users_list").json) == (401, UNAUTHENTICATED)
    assert first.call("logout").status == 401
    assert second.call("users_list").status == 200


@pytest.mark.parametrize(
    "authorization",
    [
        None,
        "",
        "Bearer",
        "Basic dXNlcjpwYXNz",
        "Bearer not-a-token",
        "Bearer 1|short",
        "Bearer 999999|" + "a" * 40,
    ],
)
def test_every_other_endpoint_needs_a_valid_bearer_token(invoice_table, authorization):
    headers = {} if authorization is None else {"authorization": authorization}
    for name in ("logout", "users_list", "user_show", "invoices_list", "invoice_show", "invoice_create",
                 "invoice_update", "invoice_update_patch", "invoice_delete"):  # fmt: skip
        answer = Client().call(name, headers=headers)
        assert (answer.status, answer.json) == (401, UNAUTHENTICATED), name


def test_a_forged_secret_or_an_expired_token_is_401(invoice_table):
    session = Client().login()
    token_id, secret = session.token.split("|")
    forged = Client(f"{token_id}|{secret[::-1]}")
    assert forged.call("users_list").status == 401
    stored = AccessToken.get(*AccessToken.key(token_id))
    stored.update(actions=[AccessToken.valid_until.set(datetime.now(UTC) - timedelta(seconds=1))])
    assert session.call("users_list").status == 401


def test_authentication_comes_before_validation(invoice_table):
    # Like the original's auth middleware: no token is 401 even for a request that would be a 400 or 404
    anonymous = Client()
    assert anonymous.call("invoice_create", {"type": "X"}).status == 401
    assert anonymous.call("invoices_list", query={"paid[zz]": "1"}).status == 401
    assert anonymous.call("invoices_list", query={"per_page": "0"}).status == 401
    assert anonymous.call("user_show", path={"user_id": "abc"}).status == 401
    assert anonymous.call("invoice_delete", path={"invoice_id": "abc"}).status == 401


def test_five_failures_a_minute_for_one_account_from_one_address_then_429(invoice_table):
    # Given one address guessing example.two's password
    guesser = Client(source_ip=address())
    wrong = [guesser.call("login", {"email": TWO, "password": f"guess-{n}"}) for n in range(5)]
    # Then the first five get the usual 403, the sixth attempt Laravel's 429, even with the right password
    assert [(answer.status, answer.json) for answer in wrong] == [(403, REFUSED)] * 5
    assert throttled(guesser.call("login", {"email": TWO, "password": DEMO_PASSWORD}), 60)
    assert throttled(guesser.call("login", {"email": " Example.Two@example.com", "password": DEMO_PASSWORD}), 60)
    # While the owner, from another address, still logs in, and so does another account from this one
    assert Client(source_ip=address()).call("login", {"email": TWO, "password": DEMO_PASSWORD}).status == 200
    assert guesser.call("login", {"email": ONE, "password": DEMO_PASSWORD}).status == 200


def test_ten_failures_for_one_account_from_any_address_then_429_for_fifteen_minutes(invoice_table):
    # Given ten addresses trying one wrong password each on example.three
    for _ in range(10):
        assert Client(source_ip=address()).call("login", {"email": THREE, "password": "nope"}).status == 403
    # Then the account refuses every login, the owner's too, until its 15-minute window ends (the trade-off)
    assert throttled(Client(source_ip=address()).call("login", {"email": THREE, "password": DEMO_PASSWORD}), 900)
    assert Client(source_ip=address()).call("login", {"email": ONE, "password": DEMO_PASSWORD}).status == 200


def test_fifty_failures_from_one_address_then_429_whatever_the_account(invoice_table):
    # Given an address with 49 failed logins this hour (counted through the same throttle, without argon2)
    source_ip = address()

    def refused() -> None:
        raise NotAuthorized()

    for _ in range(49):
        with pytest.raises(NotAuthorized):
            throttle.guarded(
                settings().table_name, [(throttle.LOGIN_IP, source_ip)], refused, failures=(NotAuthorized,)
            )
    guesser = Client(source_ip=source_ip)
    # When one more fails, Then it gets its 403, and the next login from there is 429 for the rest of the hour
    assert guesser.call("login", {"email": f"{uuid.uuid4().hex[:8]}@example.com", "password": "x"}).status == 403
    assert throttled(guesser.call("login", {"email": ONE, "password": DEMO_PASSWORD}), 3600)
    assert Client(source_ip=address()).call("login", {"email": ONE, "password": DEMO_PASSWORD}).status == 200


def test_sixteen_parallel_wrong_passwords_check_five(invoice_table):
    # Given one address and one account, When 16 wrong passwords are tried at once
    source_ip, email = address(), f"{uuid.uuid4().hex[:8]}@example.com"

    def login(n: int) -> str:
        try:
            auth.login(email, f"guess-{n}", source_ip)
        except NotAuthorized:
            return "403"
        except TooManyAttempts:
            return "429"
        return "200"

    with ThreadPoolExecutor(max_workers=16) as pool:
        outcomes = list(pool.map(login, range(16)))
    # Then exactly five were checked
    assert sorted(outcomes) == ["403"] * 5 + ["429"] * 11


def test_a_password_hashed_with_older_parameters_is_rehashed_at_login(invoice_table):
    # Given credentials (of demo user 3, under an address no other test counts failures for) stored with
    # older argon2 parameters
    address = f"rehash-{uuid.uuid4().hex[:8]}@example.com"
    Login(*Login.key(address), user_id=3, password_hash=older_hash(DEMO_PASSWORD)).save()
    # When they log in
    assert Client().call("login", {"email": address, "password": DEMO_PASSWORD}).status == 200
    # Then the hash is now at the current parameters, for the same password
    assert current(Login.get(*Login.key(address)).password_hash, DEMO_PASSWORD)


def test_a_rehash_never_overwrites_a_hash_changed_meanwhile(invoice_table):
    # Given a login read with an older hash, whose stored hash changes before the rehash is written
    key = Login.key(f"rehash-{uuid.uuid4().hex[:8]}@example.com")
    Login(*key, user_id=99, password_hash=older_hash("before")).save()
    stale = Login.get(*key)
    changed = hash_password("after")
    Login.get(*key).update(actions=[Login.password_hash.set(changed)])
    # When the rehash of the stale read is stored, Then it is not, and the new hash stays
    assert not upgrade_stored_hash(stale, "before")
    assert Login.get(*key).password_hash == changed
    # And a fresh read of an older hash is upgraded
    Login.get(*key).update(actions=[Login.password_hash.set(older_hash("after"))])
    assert upgrade_stored_hash(Login.get(*key), "after")
    assert current(Login.get(*key).password_hash, "after")
