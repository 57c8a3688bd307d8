"""DELETE /api/files/delete: removes one of the caller's files; nobody else's."""

from __future__ import annotations

import pytest

from tests.integration.filestore.conftest import (
    AUTH_REQUIRED,
    BAD_DELETE_TARGET,
    BAD_DOWNLOAD_TARGET,
    Client,
    all_keys,
    attacks,
    member,
    within_own_tree,
)


@pytest.fixture
def owner(filestore):
    user = member()
    user.put("documents/2024", "rapport.pdf", b"%PDF", "application/pdf")
    return user


def test_the_documented_delete_removes_the_object(owner):
    # When deleting documents/2024/rapport.pdf (the event file)
    answer = owner.call("delete")
    # Then 200 and the object is gone from S3
    assert answer.status == 200
    assert answer.json == {"message": "Fichier supprimé"}
    assert f"main/{owner.id}/documents/2024/rapport.pdf" not in all_keys()


def test_after_a_delete_the_file_cannot_be_requested_nor_deleted_again(owner):
    owner.call("delete")
    again = owner.call("delete")
    assert (again.status, again.json) == (400, BAD_DELETE_TARGET)
    download = owner.call("download_request")
    assert (download.status, download.json) == (400, BAD_DOWNLOAD_TARGET)


@pytest.mark.parametrize("via", ["query", "json", "form"])
def test_parameters_from_the_query_a_json_or_a_form_body(owner, via):
    assert owner.call("delete", via=via).status == 200


def test_the_session_as_a_bearer(owner):
    assert owner.call("delete", auth="bearer").status == 200


@pytest.mark.parametrize(
    "given",
    [
        {"file_name": "absent.pdf"},
        {"folder": "documents"},
        {"folder": ""},
        {"disk": "archive"},
        {"disk": "unknown"},
        {"file_name": None},
        {"folder": "documents/2024/"},  # the same folder, spelled with a slash: found
    ],
)
def test_a_missing_file_or_wrong_path_is_the_documented_400(owner, given):
    answer = owner.call("delete", given)
    if given == {"folder": "documents/2024/"}:
        assert answer.status == 200
        return
    assert (answer.status, answer.json) == (400, BAD_DELETE_TARGET)
    assert f"main/{owner.id}/documents/2024/rapport.pdf" in all_keys()


def test_without_a_session_401_and_nothing_deleted(owner):
    for client in (Client(), Client("forged")):
        answer = client.call("delete")
        assert (answer.status, answer.json) == (401, AUTH_REQUIRED)
    assert f"main/{owner.id}/documents/2024/rapport.pdf" in all_keys()


def test_another_user_deleting_the_same_path_deletes_nothing_of_mine(owner):
    answer = member().call("delete")
    assert (answer.status, answer.json) == (400, BAD_DELETE_TARGET)
    assert f"main/{owner.id}/documents/2024/rapport.pdf" in all_keys()


def test_no_request_can_delete_another_users_file(filestore, s3_access):
    victim, attacker = member(), member()
    victim.put("docs", "secret.txt", b"victim's secret")
    before = all_keys()
    s3_access.names.clear()
    for disk, folder, file_name in attacks(victim.id):
        answer = attacker.call("delete", {"disk": disk, "folder": folder, "file_name": file_name})
        assert (answer.status, answer.json) == (400, BAD_DELETE_TARGET), (disk, folder, file_name)
    assert all_keys() == before
    assert within_own_tree(attacker, [name for _, name in s3_access.names]) == []
