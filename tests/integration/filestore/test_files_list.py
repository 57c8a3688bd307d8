"""GET /api/files/list (beyond the spec): a folder's files with size, type and date, and its sub-folders."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.integration.filestore.conftest import AUTH_REQUIRED, Client, attacks, member, within_own_tree

BAD_FOLDER = {"message": "Le répertoire n'existe pas ou le chemin d'accès est incorrect."}


@pytest.fixture
def owner(filestore):
    user = member()
    user.put("documents", "a.txt", b"hello", "text/plain")
    user.put("documents", "b.pdf", b"%PDF-1.4 x", "application/pdf")
    user.put("documents/2024", "rapport.pdf", b"%PDF")
    user.put("documents/2025/q1", "deep.txt", b"d")
    user.put("", "top.txt", b"top")
    return user


def test_a_folder_lists_its_files_and_sub_folders(owner):
    # The event file: disk main, folder documents
    answer = owner.call("files_list")
    assert answer.status == 200
    body = answer.json
    assert (body["disk"], body["folder"], body["truncated"]) == ("main", "documents", False)
    assert body["folders"] == ["2024", "2025"]
    assert [(f["name"], f["size"], f["content_type"]) for f in body["files"]] == [
        ("a.txt", 5, "text/plain"),
        ("b.pdf", 10, "application/pdf"),
    ]
    for item in body["files"]:
        assert item["modified_at"].endswith("Z")
        modified = datetime.fromisoformat(item["modified_at"])
        assert timedelta(0) <= datetime.now(UTC) - modified < timedelta(minutes=5)


@pytest.mark.parametrize("root", [None, "", "/"])
def test_the_root_lists_top_level_files_and_folders(owner, root):
    answer = owner.call("files_list", {"folder": root})
    assert answer.json["folder"] == ""
    assert answer.json["folders"] == ["documents"]
    assert [f["name"] for f in answer.json["files"]] == ["top.txt"]


def test_an_empty_root_is_an_empty_listing(filestore):
    answer = member().call("files_list", {"folder": ""})
    assert answer.status == 200
    assert (answer.json["folders"], answer.json["files"]) == ([], [])


def test_a_nested_folder_and_its_trailing_slash(owner):
    for folder in ("documents/2025", "documents/2025/"):
        answer = owner.call("files_list", {"folder": folder})
        assert (answer.json["folders"], answer.json["files"]) == (["q1"], [])


def test_a_deleted_files_folder_disappears_with_it(owner):
    owner.call("delete", {"folder": "documents/2024", "file_name": "rapport.pdf"})
    assert owner.call("files_list").json["folders"] == ["2025"]
    answer = owner.call("files_list", {"folder": "documents/2024"})
    assert (answer.status, answer.json) == (400, BAD_FOLDER)


@pytest.mark.parametrize(
    "given", [{"folder": "nowhere"}, {"folder": "documents/a.txt"}, {"disk": "unknown"}, {"disk": None}, {"folder": 3}]
)
def test_a_missing_or_wrong_folder_is_a_400(owner, given):
    answer = owner.call("files_list", given, via="json")
    assert (answer.status, answer.json) == (400, BAD_FOLDER)


def test_the_other_disk_is_a_separate_tree(owner):
    owner.put("", "archived.txt", b"z", disk="archive")
    answer = owner.call("files_list", {"disk": "archive", "folder": ""})
    assert [f["name"] for f in answer.json["files"]] == ["archived.txt"] and answer.json["folders"] == []


def test_each_user_sees_only_their_own_tree(owner):
    other = member()
    answer = other.call("files_list", {"folder": ""})
    assert (answer.json["folders"], answer.json["files"]) == ([], [])
    assert other.call("files_list").status == 400  # "documents" is the owner's, not theirs


def test_without_a_session_401(owner):
    for client in (Client(), Client("forged")):
        answer = client.call("files_list")
        assert (answer.status, answer.json) == (401, AUTH_REQUIRED)


def test_no_request_can_list_another_users_folder(filestore, s3_access):
    victim, attacker = member(), member()
    victim.put("docs", "secret.txt", b"victim's secret")
    s3_access.names.clear()
    for disk, folder, _name in attacks(victim.id):
        answer = attacker.call("files_list", {"disk": disk, "folder": folder})
        # Only main's root is a folder of the attacker's: its own, empty; any other is refused or none of theirs
        if (disk, folder) == ("main", ""):
            assert (answer.status, answer.json["files"], answer.json["folders"]) == (200, [], [])
        else:
            assert (answer.status, answer.json) == (400, BAD_FOLDER), (disk, folder)
    assert within_own_tree(attacker, [name for _, name in s3_access.names]) == []


def test_a_listing_is_one_request_to_s3(owner, s3_access):
    # Sizes and dates come with the listing itself: no request per file
    s3_access.names.clear()
    assert owner.call("files_list").status == 200
    assert [operation for operation, _ in s3_access.names] == ["ListObjectsV2"]
