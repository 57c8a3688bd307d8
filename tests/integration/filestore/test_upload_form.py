"""POST /api/files/upload/{TOKEN} without a file: move what the token's form stored into place, once.

moto stores whatever a form posts (it enforces no POST policy), so the form's POST is simulated by writing
its one key; the policy itself is checked in tests/unit/shared/test_storage.py and, over HTTP, in e2e.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

from filestore import transfers, users
from filestore.errors import InvalidUploadToken
from filestore.models import Transfer, TransferToken
from shared import aws
from tests.integration.filestore.conftest import BAD_UPLOAD_TOKEN, Client, all_keys, bucket, member, stored

REFUSED = {
    "message": "Le fichier envoyé par le formulaire « upload » ne correspond pas à ce qu'il autorise : il a été écarté."
}


def ask(user: Client, folder: str, file_name: str) -> tuple[str, dict]:
    answer = user.call("upload_request", {"folder": folder, "file_name": file_name})
    assert answer.status == 200, answer.json
    return answer.json["upload_token"], answer.json["upload"]


def post_form(form: dict, content: bytes, content_type: str | None = None) -> None:
    """What S3 does with a form POST: store the body at the form's key, with the declared type."""
    declared = content_type or form["fields"]["Content-Type"]
    aws.client("s3").put_object(Bucket=bucket(), Key=form["fields"]["key"], Body=content, ContentType=declared)


def finalize(user: Client, token: str):
    return user.call("upload", path_token=token, body=(b"", "text/plain"))


def test_a_form_upload_is_moved_into_place_and_uses_the_token_up(filestore):
    # Given a token and its form, used to post a file straight to S3
    user = member()
    token, form = ask(user, "videos", "film.mp4")
    post_form(form, b"\x00\x00\x00\x18ftypmp42" * 1000)
    # When the client calls the upload address with no file
    answer = finalize(user, token)
    # Then the file is in its place with the form's type, the incoming object is gone
    assert (answer.status, answer.json) == (
        200,
        {"message": "Fichier téléversé", "file_name": "film.mp4", "size": 12000},
    )
    assert stored(f"main/{user.id}/videos/film.mp4") == (b"\x00\x00\x00\x18ftypmp42" * 1000, "video/mp4")
    assert form["fields"]["key"] not in all_keys()
    # And the token is used up: neither a second finalisation nor a direct upload works with it
    again = finalize(user, token)
    assert (again.status, again.json) == (400, BAD_UPLOAD_TOKEN)
    assert user.send(token, b"again").json == BAD_UPLOAD_TOKEN


def test_a_replayed_form_never_reaches_the_users_files(filestore):
    # Given a form posted three times: one incoming object
    user = member()
    token, form = ask(user, "docs", "notes.txt")
    for index in range(3):
        post_form(form, f"version {index}".encode())
    assert finalize(user, token).status == 200
    # When it is posted again after the token was used
    post_form(form, b"replayed")
    # Then the user's file is the one that was finalised, and nothing can move the replay into place
    assert stored(f"main/{user.id}/docs/notes.txt") == (b"version 2", "text/plain")
    assert finalize(user, token).json == BAD_UPLOAD_TOKEN
    assert [key for key in all_keys() if key.startswith(f"main/{user.id}/")] == [f"main/{user.id}/docs/notes.txt"]


def test_what_the_form_did_not_allow_is_discarded_without_using_the_token(filestore, monkeypatch):
    user = member()
    token, form = ask(user, "img", "photo.png")
    # A type other than the one the form requires (S3 would refuse the POST itself)
    post_form(form, b"<svg onload=alert(1)>", "image/svg+xml")
    refused = finalize(user, token)
    assert (refused.status, refused.json) == (400, REFUSED)
    assert form["fields"]["key"] not in all_keys()
    # Empty, or over the size limit
    post_form(form, b"")
    assert finalize(user, token).json == REFUSED
    monkeypatch.setenv("MAX_UPLOAD_BYTES", "10")
    transfers.settings.cache_clear()
    post_form(form, b"x" * 11)
    assert finalize(user, token).json == REFUSED
    # The token still buys its upload
    post_form(form, b"\x89PNG\r\n\x1a\n")
    assert finalize(user, token).status == 200
    assert stored(f"main/{user.id}/img/photo.png") == (b"\x89PNG\r\n\x1a\n", "image/png")


def test_concurrent_finalisations_and_direct_uploads_with_one_token_exactly_one_wins(filestore):
    # Given a form upload in place and six racers: three finalisations, three direct uploads
    user = member()
    token, form = ask(user, "docs", "race.txt")
    post_form(form, b"from the form")
    session = users.authenticate(user.token)

    def attempt(index: int) -> int | None:
        content = None if index % 2 else f"direct {index}".encode()
        try:
            transfers.upload(session, token, content, "text/plain" if content else None)
        except InvalidUploadToken:
            return None
        return index

    with ThreadPoolExecutor(max_workers=6) as pool:
        outcomes = list(pool.map(attempt, range(6)))
    # Then exactly one wins, and the file is the winner's
    winners = [index for index in outcomes if index is not None]
    assert len(winners) == 1, outcomes
    expected = b"from the form" if winners[0] % 2 else f"direct {winners[0]}".encode()
    assert stored(f"main/{user.id}/docs/race.txt") == (expected, "text/plain")


def test_active_content_is_stored_as_a_download(filestore):
    user = member()
    user.put("web", "page.html", b"<script>alert(1)</script>", "text/html")
    head = aws.client("s3").head_object(Bucket=bucket(), Key=f"main/{user.id}/web/page.html")
    assert head["ContentType"] == "text/html"
    assert head["ContentDisposition"] == "attachment; filename=\"page.html\"; filename*=UTF-8''page.html"


def test_a_claim_left_by_a_stopped_invocation_expires(filestore):
    # Given a token claimed by an invocation that was stopped mid-copy (a timeout) long ago, and one claimed now
    user = member()
    token, form = ask(user, "docs", "late.txt")
    post_form(form, b"late")
    grant = TransferToken.get(*TransferToken.key(Transfer.UPLOAD, token))
    grant.update(actions=[TransferToken.claimed_at.set(datetime.now(UTC) - timedelta(seconds=1))])
    # Then a claim in progress keeps the token
    assert finalize(user, token).json == BAD_UPLOAD_TOKEN
    # And one older than any invocation lives frees it again
    grant.update(actions=[TransferToken.claimed_at.set(datetime.now(UTC) - timedelta(minutes=10))])
    assert finalize(user, token).status == 200
    assert stored(f"main/{user.id}/docs/late.txt") == (b"late", "text/plain")
