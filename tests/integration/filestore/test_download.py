"""GET /api/files/download/{TOKEN}: small files in the answer, large ones by a 302 to S3; only one's own."""

from __future__ import annotations

import time
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from filestore.models import Transfer
from filestore.settings import settings
from tests.integration.filestore.conftest import (
    AUTH_REQUIRED,
    BAD_DOWNLOAD_TOKEN,
    Client,
    expire_transfer,
    member,
    within_own_tree,
)


def test_a_small_file_comes_in_the_answer_with_its_type_and_name(filestore):
    # Given a binary file uploaded with its type
    user = member()
    content = bytes(range(256)) * 4
    user.put("documents/2024", "rapport.pdf", content, "application/pdf")
    # When downloading it with a token
    answer = user.call("download", path_token=user.download_token("documents/2024", "rapport.pdf"))
    # Then its bytes (base64 in the Lambda result), its type, and its name for saving
    assert answer.status == 200
    assert answer.result["isBase64Encoded"] is True
    assert answer.content == content
    assert answer.headers["content-type"] == "application/pdf"
    assert answer.headers["content-disposition"] == "attachment; filename=\"rapport.pdf\"; filename*=UTF-8''rapport.pdf"
    assert answer.headers["cache-control"] == "private, no-store"


def test_a_name_with_accents_and_spaces_is_encoded_in_the_disposition(filestore):
    user = member()
    user.put("docs", "relevé été 2024.txt", b"x")
    answer = user.fetch("docs", "relevé été 2024.txt")
    assert (
        answer.headers["content-disposition"]
        == "attachment; filename=\"relev_ _t_ 2024.txt\"; filename*=UTF-8''relev%C3%A9%20%C3%A9t%C3%A9%202024.txt"
    )


def test_the_session_may_come_as_a_bearer(filestore):
    user = member()
    user.put("docs", "a.txt", b"abc")
    answer = user.call("download", path_token=user.download_token("docs", "a.txt"), auth="bearer")
    assert answer.content == b"abc"


def test_a_large_file_is_a_redirect_to_a_short_lived_s3_link(filestore, monkeypatch):
    # Given downloads above 100 bytes go by S3, and a 1000-byte file
    monkeypatch.setenv("MAX_DIRECT_DOWNLOAD_BYTES", "100")
    settings.cache_clear()
    user = member()
    content = bytes(range(250)) * 4
    user.put("big", "video.mp4", content, "video/mp4")
    # When downloading it
    answer = user.call("download", path_token=user.download_token("big", "video.mp4", timeout=3600))
    # Then a 302 to a presigned GET of that very object, valid at most 5 minutes, naming the file
    assert answer.status == 302
    location = answer.headers["location"]
    url = urlsplit(location)
    query = parse_qs(url.query)
    assert url.path.endswith(f"/main/{user.id}/big/video.mp4")
    assert 1 <= int(query["X-Amz-Expires"][0]) <= 300
    assert query["response-content-disposition"] == ["attachment; filename=\"video.mp4\"; filename*=UTF-8''video.mp4"]
    # And following it gives the bytes with their type
    fetched = requests.get(location, timeout=10)
    assert fetched.status_code == 200 and fetched.content == content
    assert fetched.headers["content-type"] == "video/mp4"


def test_the_redirect_link_lives_no_longer_than_the_token(filestore, monkeypatch):
    monkeypatch.setenv("MAX_DIRECT_DOWNLOAD_BYTES", "1")
    settings.cache_clear()
    user = member()
    user.put("big", "b.bin", b"0123456789")
    answer = user.call("download", path_token=user.download_token("big", "b.bin", timeout=30))
    assert int(parse_qs(urlsplit(answer.headers["location"]).query)["X-Amz-Expires"][0]) <= 30


def test_a_download_token_may_be_used_again_until_it_expires(filestore):
    user = member()
    user.put("docs", "twice.txt", b"twice")
    token = user.download_token("docs", "twice.txt")
    assert [user.call("download", path_token=token).content for _ in range(2)] == [b"twice", b"twice"]


def test_a_token_expires_after_its_timeout(filestore):
    # Given a token valid one second
    user = member()
    user.put("docs", "quick.txt", b"quick")
    token = user.download_token("docs", "quick.txt", timeout=1)
    assert user.call("download", path_token=token).status == 200
    # When it is used after that second
    time.sleep(1.1)
    answer = user.call("download", path_token=token)
    # Then the documented 400
    assert (answer.status, answer.json) == (400, BAD_DOWNLOAD_TOKEN)


def test_an_expired_token_is_invalid(filestore):
    user = member()
    user.put("docs", "old.txt", b"old")
    token = user.download_token("docs", "old.txt", timeout=86400)
    expire_transfer(Transfer.DOWNLOAD, token)
    answer = user.call("download", path_token=token)
    assert (answer.status, answer.json) == (400, BAD_DOWNLOAD_TOKEN)


def test_another_users_token_is_invalid(filestore, s3_access):
    owner, thief = member(), member()
    owner.put("docs", "private.txt", b"owner's secret")
    token = owner.download_token("docs", "private.txt")
    s3_access.names.clear()
    answer = thief.call("download", path_token=token)
    assert (answer.status, answer.json) == (400, BAD_DOWNLOAD_TOKEN)
    assert b"owner's secret" not in answer.content
    assert within_own_tree(thief, [name for _, name in s3_access.names]) == []


def test_without_a_session_401_even_with_a_valid_token(filestore):
    owner = member()
    owner.put("docs", "a.txt", b"a")
    token = owner.download_token("docs", "a.txt")
    for client in (Client(), Client("forged-session")):
        answer = client.call("download", path_token=token)
        assert (answer.status, answer.json) == (401, AUTH_REQUIRED)


@pytest.mark.parametrize("token", ["unknown", "REPLACE_DOWNLOAD_TOKEN", "B" * 43, "x" * 201, "..", "a%2Fb"])
def test_unknown_or_forged_tokens_are_invalid(filestore, token):
    answer = member().call("download", path_token=token)
    assert (answer.status, answer.json) == (400, BAD_DOWNLOAD_TOKEN)


def test_other_kinds_of_token_are_no_download_token(filestore):
    user = member()
    user.put("docs", "a.txt", b"a")
    for token in (str(user.token), user.upload_token("docs", "a.txt")):
        answer = user.call("download", path_token=token)
        assert (answer.status, answer.json) == (400, BAD_DOWNLOAD_TOKEN)


def test_a_file_deleted_since_the_token_was_given_is_an_invalid_token(filestore):
    user = member()
    user.put("docs", "gone.txt", b"gone")
    token = user.download_token("docs", "gone.txt")
    assert user.call("delete", {"folder": "docs", "file_name": "gone.txt"}).status == 200
    answer = user.call("download", path_token=token)
    assert (answer.status, answer.json) == (400, BAD_DOWNLOAD_TOKEN)


def test_a_token_follows_the_path_so_a_replaced_file_gives_the_new_content(filestore):
    user = member()
    user.put("docs", "v.txt", b"v1")
    token = user.download_token("docs", "v.txt")
    user.put("docs", "v.txt", b"v2", "text/csv")
    answer = user.call("download", path_token=token)
    assert (answer.content, answer.headers["content-type"]) == (b"v2", "text/csv")
