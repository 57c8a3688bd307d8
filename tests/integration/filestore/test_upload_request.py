"""POST /api/files/upload/request: a one-time token bound to the user and the path, plus a presigned form."""

from __future__ import annotations

import base64
import json
import re
from datetime import UTC, datetime, timedelta

import pytest

from filestore.models import Transfer, TransferToken
from tests.integration.filestore.conftest import (
    AUTH_REQUIRED,
    BAD_UPLOAD_TARGET,
    Client,
    all_keys,
    attacks,
    expire_session,
    member,
    within_own_tree,
)


def grant_of(token: str) -> TransferToken:
    return TransferToken.get(*TransferToken.key(Transfer.UPLOAD, token))


def test_a_token_and_a_form_for_the_callers_own_path(filestore):
    # Given a signed-up user; When asking to upload documents/2024/rapport.pdf (the event file's request)
    user = member()
    answer = user.call("upload_request")
    # Then an upload token for main/<id>/documents/2024/rapport.pdf, and a presigned POST bound to the one
    # incoming key of that token, to the type the name implies and to the size limit
    assert answer.status == 200
    assert len(answer.json["upload_token"]) >= 32
    grant = grant_of(answer.json["upload_token"])
    assert grant.object_key == f"main/{user.id}/documents/2024/rapport.pdf"
    form = answer.json["upload"]
    assert re.fullmatch(r"incoming/[0-9a-f]{32}", form["fields"]["key"]) and form["fields"]["key"] == grant.staging_key
    assert form["fields"]["Content-Type"] == "application/pdf" == grant.content_type
    assert form["maxBytes"] == 5 * 1024**3
    expires = datetime.fromisoformat(form["expiresAt"])
    assert timedelta(minutes=14) < expires - datetime.now(UTC) <= timedelta(minutes=15)
    policy = json.loads(base64.b64decode(form["fields"]["policy"]))
    assert ["content-length-range", 1, 5 * 1024**3] in policy["conditions"]
    assert {"key": grant.staging_key} in policy["conditions"]  # exactly that key
    assert {"Content-Type": "application/pdf"} in policy["conditions"]  # exactly that type


def test_each_request_gets_its_own_incoming_key_and_unknown_types_are_octet_streams(filestore):
    user = member()
    first, second = (user.call("upload_request", {"folder": "d", "file_name": "data.zzz"}) for _ in range(2))
    assert first.json["upload"]["fields"]["key"] != second.json["upload"]["fields"]["key"]
    assert first.json["upload"]["fields"]["Content-Type"] == "application/octet-stream"


def test_the_token_is_stored_hashed_bound_to_user_and_key_and_expires_in_15_minutes(filestore):
    user = member()
    token = user.upload_token("a/b", "c.txt", disk="archive")
    grant = grant_of(token)
    assert (grant.user_id, grant.disk, grant.object_key, grant.file_name) == (
        user.id,
        "archive",
        f"archive/{user.id}/a/b/c.txt",
        "c.txt",
    )
    assert timedelta(minutes=14) < grant.valid_until - datetime.now(UTC) <= timedelta(minutes=15)
    assert token not in grant.pk


def test_asking_writes_nothing(filestore):
    before = all_keys()
    member().upload_token("docs", "a.txt")
    assert all_keys() == before


@pytest.mark.parametrize("via", ["query", "json", "form"])
def test_parameters_and_user_token_from_the_query_a_json_or_a_form_body(filestore, via):
    user = member()
    answer = user.call("upload_request", {"folder": "x", "file_name": "y.txt"}, via=via)
    assert answer.status == 200 and grant_of(answer.json["upload_token"]).object_key == f"main/{user.id}/x/y.txt"


def test_user_token_as_a_bearer(filestore):
    user = member()
    assert user.call("upload_request", auth="bearer").status == 200


def test_the_root_folder_is_allowed(filestore):
    user = member()
    for root in ("", "/"):
        answer = user.call("upload_request", {"folder": root, "file_name": "top.txt"})
        assert grant_of(answer.json["upload_token"]).object_key == f"main/{user.id}/top.txt"


@pytest.mark.parametrize(
    ("token", "how"),
    [(None, "param"), ("", "param"), ("forged-session-token", "param"), ("forged", "bearer"), ("x" * 5000, "param")],
)
def test_without_a_valid_session_401(filestore, token, how):
    answer = Client(token).call("upload_request", auth=how)
    assert answer.status == 401
    assert answer.json == AUTH_REQUIRED


def test_an_expired_session_is_401(filestore):
    user = member()
    expire_session(str(user.token))
    assert user.call("upload_request").json == AUTH_REQUIRED


def test_a_malformed_authorization_header_is_401(filestore):
    for header in ("Bearer", "Bearer ", "Basic abc", "bearer", "Token x"):
        answer = Client().call("upload_request", headers={"authorization": header})
        assert answer.status == 401 and answer.json == AUTH_REQUIRED


@pytest.mark.parametrize(
    "given",
    [
        {"disk": "nowhere"},
        {"disk": None},
        {"disk": ""},
        {"disk": "MAIN"},
        {"file_name": None},
        {"file_name": ""},
        {"file_name": "a/b.txt"},
        {"folder": "a//b"},
        {"folder": "a\tb"},
        {"folder": "x" * 2000},
        {"file_name": "x" * 256},
        {"disk": ["main"]},
        {"folder": {"a": 1}},
        {"file_name": 42},
    ],
)
def test_wrong_targets_are_the_documented_400(filestore, given):
    answer = member().call("upload_request", given, via="json")
    assert answer.status == 400
    assert answer.json == BAD_UPLOAD_TARGET


def test_no_request_can_name_another_users_object(filestore, s3_access):
    # Given a victim with a file, and an attacker
    victim, attacker = member(), member()
    victim.put("docs", "secret.txt", b"victim's secret")
    before = all_keys()
    s3_access.names.clear()
    # When the attacker asks to upload through every traversal we know
    for disk, folder, file_name in attacks(victim.id):
        answer = attacker.call("upload_request", {"disk": disk, "folder": folder, "file_name": file_name}, via="json")
        # Then it is refused, or the token's file is inside the attacker's own tree
        if answer.status == 200:
            assert within_own_tree(attacker, [grant_of(answer.json["upload_token"]).object_key]) == []
            assert answer.json["upload"]["fields"]["key"].startswith("incoming/")
        else:
            assert answer.json == BAD_UPLOAD_TARGET, (folder, file_name)
    # And nothing was written, and the S3 client was never asked about anything outside the attacker's tree
    assert all_keys() == before
    assert within_own_tree(attacker, [name for _, name in s3_access.names]) == []
