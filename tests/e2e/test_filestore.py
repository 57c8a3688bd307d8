"""filestore over HTTP on the local server: the spec's flows as a user would run them, and the attacks.

Large files take the path a client would: the upload request's presigned POST (fields first, the file
last) straight to S3, and a 302 from the download endpoint to a presigned GET.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import boto3
import pytest
import requests

from tools.local.local_values import MOTO_PORT

pytestmark = pytest.mark.e2e
PASSWORD = "secret-123"
AUTH_REQUIRED = {"message": "Une authentification est requise pour effectuer cette action."}
BAD_UPLOAD_TOKEN = {"message": "Jeton de téléversement invalide"}
BAD_DOWNLOAD_TOKEN = {"message": "Jeton de téléchargement invalide"}
BAD_DOWNLOAD_TARGET = {"message": "Le fichier n'existe pas ou le répertoire est incorrect."}
BAD_UPLOAD_TARGET = {"message": "Le fichier n'existe pas ou le chemin est incorrect."}
BAD_DELETE_TARGET = {"message": "Le fichier n'existe pas ou le chemin d'accès est incorrect."}
BAD_FOLDER = {"message": "Le répertoire n'existe pas ou le chemin d'accès est incorrect."}
FORM_STORED = 204  # S3's answer to a form without success_action_status
NAME_RULE = "Veuillez saisir au minimum 1 et au maximum 32 caractères. Les accents et tirés '-' sont autorisés."
BUCKET = "filestorebucket"
LOCAL = "FILESTORE_URL" not in os.environ


def curl(command: str) -> tuple[int, Any]:
    done = subprocess.run(
        command + " -s -w '\\n%{http_code}'", shell=True, capture_output=True, text=True, check=True, timeout=60
    )
    body, _, status = done.stdout.rpartition("\n")
    return int(status), json.loads(body) if body.strip() else None


class User:
    def __init__(self, base: str) -> None:
        self.base = base
        self.username = f"e2e{uuid.uuid4().hex[:12]}"
        answer = requests.post(
            f"{base}/api/user/sign",
            data={"username": self.username, "lastname": "Dupont", "firstname": "Jean", "password": PASSWORD},
            timeout=15,
        )
        assert answer.status_code == 200, answer.text
        self.id, self.token = answer.json()["id"], answer.json()["token"]

    def get(self, path: str, **params: Any) -> requests.Response:
        return requests.get(f"{self.base}{path}", params={"user_token": self.token, **params}, timeout=30)

    def upload_request(self, folder: str, file_name: str, disk: str = "main") -> requests.Response:
        body = {"user_token": self.token, "disk": disk, "folder": folder, "file_name": file_name}
        return requests.post(f"{self.base}/api/files/upload/request", json=body, timeout=15)

    def upload(self, folder: str, file_name: str, content: bytes, content_type: str = "text/plain") -> None:
        token = self.upload_request(folder, file_name).json()["upload_token"]
        answer = self.send(token, content, content_type)
        assert answer.status_code == 200, answer.text

    def send(self, token: str, content: bytes, content_type: str = "text/plain") -> requests.Response:
        files = {"file": ("upload.bin", content, content_type)}
        return requests.post(
            f"{self.base}/api/files/upload/{token}", params={"user_token": self.token}, files=files, timeout=60
        )

    def download_token(self, folder: str, file_name: str, timeout: int = 300) -> str:
        answer = self.get(
            "/api/files/download/request", disk="main", folder=folder, file_name=file_name, timeout=timeout
        )
        assert answer.status_code == 200, answer.text
        return str(answer.json()["download_token"])

    def download(self, token: str, follow: bool = False) -> requests.Response:
        url = f"{self.base}/api/files/download/{token}"
        return requests.get(url, params={"user_token": self.token}, allow_redirects=follow, timeout=60)


@pytest.fixture
def user(filestore_url: str) -> User:
    return User(filestore_url)


@pytest.fixture(scope="module")
def s3() -> Iterator[Any]:
    if not LOCAL:
        pytest.skip("reads the local moto bucket")
    yield boto3.client(
        "s3",
        endpoint_url=f"http://127.0.0.1:{MOTO_PORT}",
        aws_access_key_id="local",
        aws_secret_access_key="local",
        region_name="us-east-1",
    )


def keys(s3: Any) -> set[str]:
    pages = s3.get_paginator("list_objects_v2").paginate(Bucket=BUCKET)
    return {item["Key"] for page in pages for item in page.get("Contents", [])}


def test_sign_up_and_login_as_documented(filestore_url, tmp_path):
    username = f"jd{uuid.uuid4().hex[:10]}"
    # Sign up (the spec's four parameters)
    status, signed = curl(
        f"curl -X POST {filestore_url}/api/user/sign -H 'Content-Type: application/json' "
        f"""-d '{{"username": "{username}", "lastname": "Dupont", "firstname": "Jean", "password": "secret1"}}'"""
    )
    assert status == 200
    assert list(signed) == ["id", "token", "username", "lastname", "firstname"] and isinstance(signed["id"], int)
    # The same username again, in capitals: the field map
    status, refused = curl(
        f"curl -X POST {filestore_url}/api/user/sign "
        f"-d username={username.upper()} -d lastname='Du pont' -d firstname=Jean -d password=123"
    )
    assert status == 400
    assert refused == {
        "username": "Utilisateur déjà existant",
        "lastname": NAME_RULE,
        "firstname": "",
        "password": "Veuillez saisir au minimum 6 et au maximum 15 caractères.",
    }
    # Log in with the query string, as documented
    status, logged = curl(f"curl '{filestore_url}/api/user/login?username={username}&password=secret1'")
    assert status == 200 and logged["id"] == signed["id"] and logged["token"] != signed["token"]
    status, failed = curl(f"curl '{filestore_url}/api/user/login?username={username}&password=wrong12'")
    assert (status, failed) == (400, {"message": "Nom d'utilisateur ou mot de passe incorrect."})


def test_small_file_upload_with_curl_then_download(user, tmp_path):
    # Given a token for documents/2024/rapport.pdf
    token = user.upload_request("documents/2024", "rapport.pdf").json()["upload_token"]
    pdf = tmp_path / "rapport.pdf"
    pdf.write_bytes(b"%PDF-1.4\n" + os.urandom(50_000))
    # When uploading with curl -F, as a user would
    status, uploaded = curl(
        f"curl -F 'file=@{pdf};type=application/pdf' '{user.base}/api/files/upload/{token}?user_token={user.token}'"
    )
    assert status == 200 and uploaded["size"] == pdf.stat().st_size
    # Then the download gives the same bytes, type and name
    answer = user.download(user.download_token("documents/2024", "rapport.pdf"))
    assert answer.status_code == 200 and answer.content == pdf.read_bytes()
    assert answer.headers["Content-Type"] == "application/pdf"
    assert answer.headers["Content-Disposition"] == "attachment; filename=\"rapport.pdf\"; filename*=UTF-8''rapport.pdf"
    # And the token was used once
    status, again = curl(f"curl -F 'file=@{pdf}' '{user.base}/api/files/upload/{token}?user_token={user.token}'")
    assert (status, again) == (400, BAD_UPLOAD_TOKEN)


def post_form(upload: dict[str, Any], path: Path) -> int:
    """The presigned POST as curl sends it: every field in order (Content-Type among them), then the file last."""
    fields = " ".join(f"-F '{name}={value}'" for name, value in upload["fields"].items())
    done = subprocess.run(
        f"curl -s -o /dev/null -w '%{{http_code}}' {fields} -F 'file=@{path}' '{upload['url']}'",
        shell=True,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return int(done.stdout)


def test_large_file_by_the_presigned_form_then_by_the_redirect(user, tmp_path):
    # Given an 8 MB file, too large for a Lambda request
    movie = tmp_path / "film été.mp4"
    movie.write_bytes(os.urandom(8 * 1024 * 1024))
    answer = user.upload_request("videos", movie.name)
    token, upload = answer.json()["upload_token"], answer.json()["upload"]
    # (the form writes one exact key of its own, with the type the name implies)
    assert upload["fields"]["key"].startswith("incoming/") and upload["fields"]["Content-Type"] == "video/mp4"
    # When it goes straight to S3 with the form, then the upload address is called without a file
    assert post_form(upload, movie) == FORM_STORED
    status, done = curl(f"curl -X POST '{user.base}/api/files/upload/{token}?user_token={user.token}'")
    assert (status, done) == (200, {"message": "Fichier téléversé", "file_name": movie.name, "size": 8 * 1024 * 1024})
    # (and the token is used up: a replayed form cannot be moved into place)
    replay = tmp_path / "replay.mp4"
    replay.write_bytes(b"replayed")
    assert post_form(upload, replay) == FORM_STORED
    assert curl(f"curl -X POST '{user.base}/api/files/upload/{token}?user_token={user.token}'") == (
        400,
        BAD_UPLOAD_TOKEN,
    )
    # Then it is listed with its size and type
    listed = user.get("/api/files/list", disk="main", folder="videos").json()
    assert [(f["name"], f["size"], f["content_type"]) for f in listed["files"]] == [
        (movie.name, 8 * 1024 * 1024, "video/mp4")
    ]
    # And the download answers a 302 to S3, whose bytes are the file's
    token = user.download_token("videos", movie.name)
    redirect = user.download(token)
    assert redirect.status_code == 302
    fetched = requests.get(redirect.headers["Location"], timeout=60)
    assert fetched.status_code == 200 and fetched.content == movie.read_bytes()
    assert fetched.headers["Content-Type"] == "video/mp4"
    assert user.download(token, follow=True).content == movie.read_bytes()


def test_a_large_file_through_the_api_itself_is_refused_without_using_the_token(user):
    token = user.upload_request("big", "direct.bin").json()["upload_token"]
    # Over the 4 MiB direct limit: a readable refusal; over Lambda's 6 MB: the gateway's 413
    too_large = user.send(token, os.urandom(4 * 1024 * 1024 + 1000))
    assert too_large.status_code == 400 and "formulaire" in too_large.json()["message"]
    assert user.send(token, os.urandom(8 * 1024 * 1024)).status_code == 413
    # The token still buys its upload
    assert user.send(token, b"small enough").status_code == 200


def test_download_token_expires_with_its_timeout(user):
    user.upload("docs", "quick.txt", b"quick")
    token = user.download_token("docs", "quick.txt", timeout=1)
    assert user.download(token).content == b"quick"
    time.sleep(1.5)
    answer = user.download(token)
    assert (answer.status_code, answer.json()) == (400, BAD_DOWNLOAD_TOKEN)


def test_delete_then_the_file_is_gone(user):
    user.upload("docs", "bye.txt", b"bye")
    params = {"user_token": user.token, "disk": "main", "folder": "docs", "file_name": "bye.txt"}
    answer = requests.delete(f"{user.base}/api/files/delete", params=params, timeout=15)
    assert answer.status_code == 200
    again = requests.delete(f"{user.base}/api/files/delete", params=params, timeout=15)
    assert (again.status_code, again.json()) == (400, BAD_DELETE_TARGET)
    request = user.get("/api/files/download/request", disk="main", folder="docs", file_name="bye.txt", timeout=60)
    assert (request.status_code, request.json()) == (400, BAD_DOWNLOAD_TARGET)
    assert user.get("/api/files/list", disk="main", folder="").json()["folders"] == []


def test_list_and_disks(user):
    user.upload("a", "1.txt", b"1")
    user.upload("a/b", "2.csv", b"2,2", "text/csv")
    listed = user.get("/api/files/list", disk="main", folder="a").json()
    assert listed["folders"] == ["b"]
    assert [(f["name"], f["size"], f["content_type"]) for f in listed["files"]] == [("1.txt", 1, "text/plain")]
    bearer = {"Authorization": f"Bearer {user.token}"}
    disks = requests.get(f"{user.base}/api/files/disks", headers=bearer, timeout=15)
    assert disks.json() == {"disks": ["main", "archive"]}
    assert requests.get(f"{user.base}/api/files/disks", timeout=15).json() == AUTH_REQUIRED


def test_anothers_tokens_are_refused(filestore_url):
    owner, thief = User(filestore_url), User(filestore_url)
    owner.upload("docs", "private.txt", b"owner's secret")
    upload_token = owner.upload_request("docs", "private.txt").json()["upload_token"]
    download_token = owner.download_token("docs", "private.txt")
    # The thief's session with the owner's tokens
    planted = thief.send(upload_token, b"planted")
    assert (planted.status_code, planted.json()) == (400, BAD_UPLOAD_TOKEN)
    stolen = thief.download(download_token)
    assert (stolen.status_code, stolen.json()) == (400, BAD_DOWNLOAD_TOKEN)
    # The owner's tokens without any session
    anonymous = requests.get(f"{filestore_url}/api/files/download/{download_token}", timeout=15)
    assert (anonymous.status_code, anonymous.json()) == (401, AUTH_REQUIRED)
    # The owner's file is untouched and the owner's upload token still works
    assert owner.download(download_token).content == b"owner's secret"
    assert owner.send(upload_token, b"still mine").status_code == 200


@pytest.mark.parametrize(
    "token", ["forged", "A" * 32, "..%2F..%2Fmain", "%2e%2e", "x" * 300, quote("é", safe=""), "REPLACE_UPLOAD_TOKEN"]
)
def test_forged_transfer_tokens_are_invalid(user, token):
    # Whatever the token (encoded slashes and dots arrive decoded, as one path segment), the documented 400
    upload = user.send(token, b"x")
    assert (upload.status_code, upload.json()) == (400, BAD_UPLOAD_TOKEN)
    download = user.download(token)
    assert (download.status_code, download.json()) == (400, BAD_DOWNLOAD_TOKEN)


def test_forged_sessions_are_401(filestore_url):
    for headers, params in [
        ({}, {"user_token": "forged"}),
        ({"Authorization": "Bearer forged"}, {}),
        ({"Authorization": "Basic Zm9vOmJhcg=="}, {}),
        ({}, {}),
    ]:
        answer = requests.get(
            f"{filestore_url}/api/files/list", headers=headers, params={"disk": "main", **params}, timeout=15
        )
        assert (answer.status_code, answer.json()) == (401, AUTH_REQUIRED)


TRAVERSALS = [
    "../{victim}/docs",
    "docs/../../{victim}/docs",
    "/main/{victim}/docs",
    "..\\{victim}\\docs",
    "..%2F{victim}%2Fdocs",
    "%2e%2e/{victim}/docs",
    "~/../{victim}/docs",
    "docs/%00/../../{victim}/docs",
]
# These arrive as literal names ("..%2F…": the query string is decoded once): folders of the attacker's own tree.
OWN_NAMES = {"..%2F{victim}%2Fdocs", "%2e%2e/{victim}/docs"}


def test_no_request_reaches_another_users_tree(filestore_url, s3):
    victim, attacker = User(filestore_url), User(filestore_url)
    victim.upload("docs", "secret.txt", b"victim's secret")
    before = keys(s3)
    for pattern in TRAVERSALS:
        folder = pattern.format(victim=victim.id)
        # Reading, deleting, listing: refused
        for method, path, extra in [
            ("GET", "/api/files/download/request", {"timeout": "60"}),
            ("DELETE", "/api/files/delete", {}),
        ]:
            params = {"user_token": attacker.token, "disk": "main", "folder": folder, "file_name": "secret.txt"}
            answer = requests.request(method, f"{filestore_url}{path}", params={**params, **extra}, timeout=15)
            assert answer.status_code == 400, (path, folder)
        # Listing: refused, or (a literal name) a folder the attacker does not have
        listing = attacker.get("/api/files/list", disk="main", folder=folder)
        assert (listing.status_code, listing.json()) == (400, BAD_FOLDER), folder
        # Writing: refused, or (a literal name) a form for a fresh incoming key and a token for the attacker's tree
        answer = attacker.upload_request(folder, "secret.txt")
        if pattern in OWN_NAMES:
            assert answer.status_code == 200, folder
            assert re.fullmatch(r"incoming/[0-9a-f]{32}", answer.json()["upload"]["fields"]["key"])
            assert attacker.send(answer.json()["upload_token"], b"overwrite?").status_code == 200
        else:
            assert (answer.status_code, answer.json()) == (400, BAD_UPLOAD_TARGET), folder
    # Raw traversal in the URL itself: dot segments are resolved by the client (the listing, without a disk),
    # an encoded one is a download token (and the session comes first)
    listing = requests.get(f"{filestore_url}/api/files/../files/list?user_token={attacker.token}", timeout=15)
    assert (listing.status_code, listing.json()) == (400, BAD_FOLDER)
    download = requests.get(f"{filestore_url}/api/files/download/..%2F..%2Fx", timeout=15)
    assert (download.status_code, download.json()) == (401, AUTH_REQUIRED)
    # Then the victim's file is intact, and every new key is the attacker's
    assert victim.download(victim.download_token("docs", "secret.txt")).content == b"victim's secret"
    new = keys(s3) - before
    assert new and all(key.startswith(f"main/{attacker.id}/") for key in new)
