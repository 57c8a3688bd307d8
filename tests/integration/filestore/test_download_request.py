"""GET /api/files/download/request: a download token valid `timeout` seconds, for one's own existing file."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from filestore.models import Transfer, TransferToken
from tests.integration.filestore.conftest import (
    AUTH_REQUIRED,
    BAD_DOWNLOAD_TARGET,
    Client,
    attacks,
    member,
    within_own_tree,
)


@pytest.fixture
def owner(filestore):
    user = member()
    user.put("documents/2024", "rapport.pdf", b"%PDF-1.4", "application/pdf")
    return user


def test_the_documented_request_answers_a_download_token(owner):
    # The event file: documents/2024/rapport.pdf, timeout 300
    answer = owner.call("download_request")
    assert answer.status == 200
    assert list(answer.json) == ["download_token"] and len(answer.json["download_token"]) >= 32
    grant = TransferToken.get(*TransferToken.key(Transfer.DOWNLOAD, answer.json["download_token"]))
    assert grant.user_id == owner.id and grant.object_key == f"main/{owner.id}/documents/2024/rapport.pdf"
    assert timedelta(seconds=295) < grant.valid_until - datetime.now(UTC) <= timedelta(seconds=300)


@pytest.mark.parametrize("timeout", [1, "1", 86400, "86400", " 60 "])
def test_timeouts_from_one_second_to_a_day(owner, timeout):
    assert owner.call("download_request", {"timeout": timeout}, via="json").status == 200


@pytest.mark.parametrize("timeout", [0, -1, 86401, "abc", "", None, "1.5", 1.5, [], "1e3"])
def test_other_timeouts_are_the_documented_400(owner, timeout):
    answer = owner.call("download_request", {"timeout": timeout}, via="json")
    assert (answer.status, answer.json) == (400, BAD_DOWNLOAD_TARGET)


@pytest.mark.parametrize("via", ["query", "json", "form"])
def test_parameters_from_the_query_a_json_or_a_form_body(owner, via):
    assert owner.call("download_request", via=via).status == 200


def test_the_session_as_a_bearer(owner):
    assert owner.call("download_request", auth="bearer").status == 200


@pytest.mark.parametrize(
    "given",
    [
        {"file_name": "absent.pdf"},
        {"folder": "documents"},
        {"folder": "nowhere"},
        {"folder": ""},
        {"disk": "archive"},
        {"disk": "unknown"},
        {"file_name": None},
        {"folder": "documents/2024/rapport.pdf", "file_name": "x"},
    ],
)
def test_a_missing_file_or_wrong_folder_is_the_documented_400(owner, given):
    answer = owner.call("download_request", given)
    assert (answer.status, answer.json) == (400, BAD_DOWNLOAD_TARGET)


def test_without_a_session_401(owner):
    for client in (Client(), Client("forged")):
        answer = client.call("download_request")
        assert (answer.status, answer.json) == (401, AUTH_REQUIRED)


def test_the_same_path_names_each_users_own_file(owner):
    # Another user asking for documents/2024/rapport.pdf asks for their own, which does not exist
    answer = member().call("download_request")
    assert (answer.status, answer.json) == (400, BAD_DOWNLOAD_TARGET)


def test_no_request_can_reach_another_users_file(filestore, s3_access):
    victim, attacker = member(), member()
    victim.put("docs", "secret.txt", b"victim's secret")
    attacker.put("docs", "mine.txt", b"attacker's own")
    s3_access.names.clear()
    for disk, folder, file_name in attacks(victim.id):
        answer = attacker.call(
            "download_request", {"disk": disk, "folder": folder, "file_name": file_name, "timeout": 60}
        )
        assert (answer.status, answer.json) == (400, BAD_DOWNLOAD_TARGET), (disk, folder, file_name)
    assert within_own_tree(attacker, [name for _, name in s3_access.names]) == []
