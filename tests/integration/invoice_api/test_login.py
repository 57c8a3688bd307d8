"""POST /api/v1/login and /api/v1/logout, and the bearer token every other endpoint requires."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from invoice_api.models import AccessToken
from tests.integration.invoice_api.conftest import ONE, Client

REFUSED = {"message": "Not Authorized", "status": 403, "data": []}
UNAUTHENTICATED = {"message": "Unauthenticated.", "status": 401, "data": []}


def test_login_as_documented(invoice_table):
    # Given the spec's demo user, When it logs in with the event's body
    answer = Client().call("login")
    # Then the spec's envelope carries a Sanctum-like token, stored hashed with an expiry
    assert answer.status == 200
    assert list(answer.json) == ["message", "status", "data"]
    assert (answer.json["message"], answer.json["status"]) == ("Authorized", 200)
    token = answer.json["data"]["token"]
    token_id, secret = re.fullmatch(r"(\d+)\|([A-Za-z0-9]{40})", token).groups()
    stored = AccessToken.get(f"TOKEN#{token_id}", "TOKEN")
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
    stored = AccessToken.get(f"TOKEN#{token_id}", "TOKEN")
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
