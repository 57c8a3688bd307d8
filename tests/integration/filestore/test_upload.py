"""POST /api/files/upload/{TOKEN}: the file (multipart or raw body), one upload per token, only one's own."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from filestore import transfers, users
from filestore.errors import InvalidUploadToken
from filestore.models import Transfer
from filestore.settings import settings
from tests.events import multipart
from tests.integration.filestore.conftest import (
    AUTH_REQUIRED,
    BAD_UPLOAD_TOKEN,
    Client,
    all_keys,
    expire_transfer,
    member,
    stored,
    within_own_tree,
)

NO_FILE = (
    "Aucun fichier reçu : envoyez-le dans le champ multipart « file » ou comme corps, "
    "ou d'abord par le formulaire « upload » de la demande."
)
TOO_LARGE = "Fichier trop volumineux pour un envoi direct : utilisez le formulaire « upload » de la demande."


def test_the_documented_event_uploads_rapport_pdf(filestore):
    # Given the token of documents/2024/rapport.pdf; When posting the event file's multipart body
    user = member()
    token = user.upload_token("documents/2024", "rapport.pdf")
    answer = user.call("upload", path_token=token)
    # Then 200, and the object is stored with the part's content type
    assert answer.status == 200
    assert answer.json == {"message": "Fichier téléversé", "file_name": "rapport.pdf", "size": 13}
    assert stored(f"main/{user.id}/documents/2024/rapport.pdf") == (b"%PDF-1.4 demo", "application/pdf")


def test_binary_content_in_the_file_field_is_stored_byte_for_byte(filestore):
    user = member()
    content = bytes(range(256)) * 100
    answer = user.send(user.upload_token("bin", "all.bin"), content, "application/octet-stream")
    assert answer.status == 200 and answer.json["size"] == len(content)
    assert stored(f"main/{user.id}/bin/all.bin") == (content, "application/octet-stream")


def test_any_single_file_field_name_is_accepted(filestore):
    user = member()
    answer = user.send(user.upload_token("docs", "b.txt"), b"other field", field="document")
    assert answer.status == 200
    assert stored(f"main/{user.id}/docs/b.txt") == (b"other field", "text/plain")


def test_the_raw_body_is_the_file_with_its_declared_type(filestore):
    user = member()
    answer = user.call("upload", path_token=user.upload_token("img", "p.png"), body=(b"\x89PNG\r\n\x1a\n", "image/png"))
    assert answer.status == 200
    assert stored(f"main/{user.id}/img/p.png") == (b"\x89PNG\r\n\x1a\n", "image/png")


def test_a_raw_body_without_a_type_gets_one_from_the_name(filestore):
    user = member()
    event_token = user.upload_token("img", "q.png")
    answer = user.call("upload", path_token=event_token, body=(b"\x89PNG", ""))
    assert answer.status == 200
    assert stored(f"main/{user.id}/img/q.png")[1] == "image/png"


def test_the_session_may_come_as_a_bearer(filestore):
    user = member()
    token = user.upload_token()
    assert user.call("upload", path_token=token, auth="bearer").status == 200


def test_a_token_is_used_once(filestore):
    # Given a successful upload
    user = member()
    token = user.upload_token("docs", "once.txt")
    assert user.send(token, b"first").status == 200
    # When the token is used again
    again = user.send(token, b"second")
    # Then the documented 400, and the first content stays
    assert (again.status, again.json) == (400, BAD_UPLOAD_TOKEN)
    assert stored(f"main/{user.id}/docs/once.txt")[0] == b"first"


def test_failed_uploads_do_not_use_the_token(filestore, monkeypatch):
    user = member()
    token = user.upload_token("docs", "retry.txt")
    # When there is no file: an empty body, a multipart form without a file part, broken multipart
    no_file = [
        user.call("upload", path_token=token, body=(b"", "application/octet-stream")),
        user.call("upload", path_token=token, body=multipart({})),
        user.call("upload", path_token=token, body=(b"--nope\r\ngarbage", "multipart/form-data; boundary=nope")),
        user.call("upload", path_token=token, body=(b"x", "multipart/form-data")),
    ]
    assert [(a.status, a.json) for a in no_file] == [(400, {"message": NO_FILE})] * 4
    # And when the file is larger than a direct upload may be
    monkeypatch.setenv("MAX_DIRECT_UPLOAD_BYTES", "10")
    settings.cache_clear()
    too_large = user.send(token, b"x" * 11)
    assert (too_large.status, too_large.json) == (400, {"message": TOO_LARGE})
    # And without a session
    assert Client().call("upload", path_token=token).json == AUTH_REQUIRED
    # Then nothing was stored, and the token still buys its upload
    assert f"main/{user.id}/docs/retry.txt" not in all_keys()
    assert user.send(token, b"x" * 10).status == 200


def test_an_expired_token_is_invalid(filestore):
    user = member()
    token = user.upload_token("docs", "late.txt")
    expire_transfer(Transfer.UPLOAD, token)
    answer = user.send(token, b"late")
    assert (answer.status, answer.json) == (400, BAD_UPLOAD_TOKEN)
    assert f"main/{user.id}/docs/late.txt" not in all_keys()


def test_another_users_token_is_invalid_and_stays_the_owners(filestore, s3_access):
    # Given the owner's token; When another user posts a file with it
    owner, thief = member(), member()
    token = owner.upload_token("docs", "mine.txt")
    s3_access.names.clear()
    answer = thief.send(token, b"planted")
    # Then the documented 400; nothing written, nothing touched outside the thief's tree
    assert (answer.status, answer.json) == (400, BAD_UPLOAD_TOKEN)
    assert s3_access.names == []
    assert not any(key.startswith(f"main/{owner.id}/") for key in all_keys())
    # And the owner can still use it
    assert owner.send(token, b"owner's").status == 200


@pytest.mark.parametrize(
    "token",
    ["unknown", "A" * 32, "x" * 201, "REPLACE_UPLOAD_TOKEN", "..", "%2e%2e", "a b", "é" * 10, "../../etc/passwd"],
)
def test_unknown_or_forged_tokens_are_invalid(filestore, token):
    # (the handler gets the token as API Gateway decodes it, whatever it is)
    answer = member().send(token, b"x")
    assert (answer.status, answer.json) == (400, BAD_UPLOAD_TOKEN)


def test_other_kinds_of_token_are_no_upload_token(filestore):
    # A session token or a download token in place of an upload token
    user = member()
    user.put("docs", "a.txt", b"a")
    for token in (str(user.token), user.download_token("docs", "a.txt")):
        answer = user.send(token, b"x")
        assert (answer.status, answer.json) == (400, BAD_UPLOAD_TOKEN)


def test_uploading_onto_an_existing_name_replaces_it_with_the_new_type(filestore):
    user = member()
    user.put("docs", "same.dat", b"old text", "text/plain")
    user.put("docs", "same.dat", b"\x89PNG new", "image/png")
    assert stored(f"main/{user.id}/docs/same.dat") == (b"\x89PNG new", "image/png")
    listed = user.call("files_list", {"folder": "docs"}).json["files"]
    assert [(f["name"], f["size"]) for f in listed] == [("same.dat", 8)]


def test_concurrent_uploads_with_one_token_exactly_one_succeeds(filestore):
    user = member()
    token = user.upload_token("docs", "race.txt")
    session = users.authenticate(user.token)

    def attempt(index: int) -> int | None:
        try:
            transfers.upload(session, token, f"upload {index}".encode(), "text/plain")
        except InvalidUploadToken:
            return None
        return index

    with ThreadPoolExecutor(max_workers=6) as pool:
        outcomes = list(pool.map(attempt, range(6)))
    winners = [index for index in outcomes if index is not None]
    assert len(winners) == 1
    # Only the winner wrote: the token is claimed before the bytes are stored
    assert stored(f"main/{user.id}/docs/race.txt") == (f"upload {winners[0]}".encode(), "text/plain")
    assert within_own_tree(user, all_keys() & {f"main/{user.id}/docs/race.txt"}) == []
