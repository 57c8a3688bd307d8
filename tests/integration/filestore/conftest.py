"""filestore handlers on moto, called with the events/ files, the way API Gateway would.

A `Client` is one user of the store: it fills the events' placeholders
(REPLACE_USER_TOKEN, REPLACE_UPLOAD_TOKEN, REPLACE_DOWNLOAD_TOKEN) with its own
tokens and sends the parameters where the documented clients send them (query
string, JSON or form body, or the session as `Authorization: Bearer`).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

import pytest

from filestore.models import SessionItem, Transfer, TransferToken
from filestore.settings import settings
from shared import aws
from tests.events import load_event, multipart, with_body
from tests.integration import conftest as integration
from tests.integration.conftest import Answer, use_function_environment, with_path
from tools.local.template import Template

PASSWORD = "secret-123"
AUTH_REQUIRED = {"message": "Une authentification est requise pour effectuer cette action."}
BAD_UPLOAD_TARGET = {"message": "Le fichier n'existe pas ou le chemin est incorrect."}
BAD_UPLOAD_TOKEN = {"message": "Jeton de téléversement invalide"}
BAD_DOWNLOAD_TARGET = {"message": "Le fichier n'existe pas ou le répertoire est incorrect."}
BAD_DOWNLOAD_TOKEN = {"message": "Jeton de téléchargement invalide"}
BAD_DELETE_TARGET = {"message": "Le fichier n'existe pas ou le chemin d'accès est incorrect."}
BAD_CREDENTIALS = {"message": "Nom d'utilisateur ou mot de passe incorrect."}
PATH_TOKENS = {"upload": "REPLACE_UPLOAD_TOKEN", "download": "REPLACE_DOWNLOAD_TOKEN"}  # the events' placeholders


@pytest.fixture
def filestore(monkeypatch: pytest.MonkeyPatch, template: Template, aws_mock: None) -> Iterator[None]:
    use_function_environment(monkeypatch, template, "FilestoreUploadFunction")
    settings.cache_clear()
    yield
    settings.cache_clear()


def _documented_params(event: dict[str, Any]) -> dict[str, Any]:
    """The parameters the event file sends (query string or JSON body), its session token left out."""
    given = dict(event.get("queryStringParameters") or {})
    if event["headers"].get("content-type", "").startswith("application/json") and event.get("body"):
        given.update(json.loads(event["body"]))
    given.pop("user_token", None)
    return given


def _place(event: dict[str, Any], params: dict[str, Any], via: str) -> None:
    event.pop("queryStringParameters", None)
    event["rawQueryString"] = ""
    if event["headers"].get("content-type", "").startswith("application/json"):
        event.pop("body", None)
        event["headers"].pop("content-type")
        event["isBase64Encoded"] = False
    if via == "query" and params:
        event["queryStringParameters"] = {k: str(v) for k, v in params.items()}
        event["rawQueryString"] = urlencode(params)
    elif via == "json":
        with_body(event, json.dumps(params), "application/json")
    elif via == "form":
        with_body(event, urlencode(params), "application/x-www-form-urlencoded")


class Client(integration.Client):
    """One user; `token` is its session, sent as `user_token` (or as a bearer) with every call.
    `source_ip`: the event's unless given."""

    api = "filestore"

    def __init__(
        self, token: str | None = None, user: dict[str, Any] | None = None, source_ip: str | None = None
    ) -> None:
        super().__init__(token, source_ip)
        self.user = user or {}

    @property
    def id(self) -> int:
        return int(self.user["id"])

    def call(
        self,
        name: str,
        params: dict[str, Any] | None = None,
        *,
        via: str | None = None,
        auth: str | None = "param",
        path_token: str | None = None,
        body: tuple[bytes, str] | None = None,
        headers: dict[str, str] | None = None,
    ) -> Answer:
        """Call one handler; `params` update the event's documented ones (None drops one).

        via: "query", "json" or "form" (default: where the event file puts them);
        auth: "param" (user_token among the parameters), "bearer" or None;
        body: (raw bytes, content type) replacing the event's body (a file, or anything malformed).
        """
        event = load_event("filestore", name)
        event["headers"].pop("authorization", None)
        default_via = "json" if event["headers"].get("content-type", "").startswith("application/json") else "query"
        merged = {k: v for k, v in {**_documented_params(event), **(params or {})}.items() if v is not None}
        if auth == "param" and self.token is not None:
            merged["user_token"] = self.token
        elif auth == "bearer" and self.token is not None:
            event["headers"]["authorization"] = f"Bearer {self.token}"
        _place(event, merged, via or default_via)
        if name in PATH_TOKENS:
            with_path(event, {"token": path_token if path_token is not None else PATH_TOKENS[name]})
        if body is not None:
            with_body(event, body[0], body[1])
        event["headers"].update(headers or {})
        return self.invoke(event)

    # The flows most tests need

    def upload_token(self, folder: str = "docs", file_name: str = "a.txt", disk: str = "main") -> str:
        answer = self.call("upload_request", {"disk": disk, "folder": folder, "file_name": file_name})
        assert answer.status == 200, answer.json
        return str(answer.json["upload_token"])

    def send(self, token: str, content: bytes, content_type: str = "text/plain", field: str = "file") -> Answer:
        return self.call("upload", path_token=token, body=multipart({field: ("upload.bin", content, content_type)}))

    def put(
        self, folder: str, file_name: str, content: bytes, content_type: str = "text/plain", disk: str = "main"
    ) -> None:
        answer = self.send(self.upload_token(folder, file_name, disk), content, content_type)
        assert answer.status == 200, answer.json

    def download_token(self, folder: str, file_name: str, timeout: int = 300, disk: str = "main") -> str:
        params = {"disk": disk, "folder": folder, "file_name": file_name, "timeout": timeout}
        answer = self.call("download_request", params)
        assert answer.status == 200, answer.json
        return str(answer.json["download_token"])

    def fetch(self, folder: str, file_name: str, disk: str = "main") -> Answer:
        return self.call("download", path_token=self.download_token(folder, file_name, disk=disk))


def unique_name(prefix: str = "user") -> str:
    return f"{prefix}{uuid.uuid4().hex[:10]}"


def sign_up(username: str | None = None, password: str = PASSWORD, **fields: str) -> Answer:
    given = {"username": username or unique_name(), "lastname": "Dupont", "firstname": "Jean", "password": password}
    return Client().call("user_sign", {**given, **fields}, via="json")


def member(username: str | None = None) -> Client:
    """A signed-up user holding its session token."""
    answer = sign_up(username)
    assert answer.status == 200, answer.json
    return Client(answer.json["token"], answer.json)


def bucket() -> str:
    return settings().bucket_name


def all_keys() -> set[str]:
    pages = aws.client("s3").get_paginator("list_objects_v2").paginate(Bucket=bucket())
    return {item["Key"] for page in pages for item in page.get("Contents", [])}


def stored(key: str) -> tuple[bytes, str]:
    found = aws.client("s3").get_object(Bucket=bucket(), Key=key)
    return found["Body"].read(), found["ContentType"]


class S3Access:
    """Every Key and Prefix our S3 client is asked about (calls and presigned URLs alike)."""

    def __init__(self) -> None:
        self.names: list[tuple[str, str]] = []

    def __call__(self, params: dict[str, Any], model: Any, **_kwargs: Any) -> None:
        for field in ("Key", "Prefix", "CopySource"):
            if field in params:
                self.names.append((model.name, str(params[field])))


@pytest.fixture
def s3_access(filestore: None) -> Iterator[S3Access]:
    recorder = S3Access()
    events = aws.client("s3").meta.events
    events.register("before-parameter-build.s3", recorder)
    yield recorder
    events.unregister("before-parameter-build.s3", recorder)


def expire_session(token: str) -> None:
    session = SessionItem.get(*SessionItem.key(token))
    session.update(actions=[SessionItem.valid_until.set(datetime.now(UTC) - timedelta(seconds=1))])


def expire_transfer(kind: Transfer, token: str) -> None:
    """Move an upload or download token's validity into the past, as time would."""
    grant = TransferToken.get(*TransferToken.key(kind, token))
    grant.update(actions=[TransferToken.valid_until.set(datetime.now(UTC) - timedelta(seconds=1))])


def within_own_tree(client: Client, names: list[str] | set[str]) -> list[str]:
    """The names that are NOT under one of the client's own disk prefixes (expected: none)."""
    own = tuple(f"{disk}/{client.id}/" for disk in settings().disk_names)
    return [name for name in names if not name.startswith(own)]


def attacks(victim: int) -> list[tuple[str, str, str]]:
    """(disk, folder, file_name) that try to name victim's `main/<victim>/docs/secret.txt` or leave the disk."""
    return [
        ("main", f"../{victim}/docs", "secret.txt"),
        ("main", f"docs/../../{victim}/docs", "secret.txt"),
        ("main", f"./../{victim}/docs", "secret.txt"),
        ("main", f"/main/{victim}/docs", "secret.txt"),
        ("main", f"//main/{victim}/docs", "secret.txt"),
        ("main", f"..\\{victim}\\docs", "secret.txt"),
        ("main", "", f"../{victim}/docs/secret.txt"),
        ("main", "docs", f"..\\..\\{victim}\\docs\\secret.txt"),
        ("main", f"~/../{victim}/docs", "secret.txt"),
        ("main", f"docs/\x00/../../{victim}/docs", "secret.txt"),
        ("main", f"docs/\n/../../{victim}/docs", "secret.txt"),
        ("main", f"\u202e../{victim}/docs", "secret.txt"),
        ("main", f"docs//../{victim}", "secret.txt"),
        ("main", "..", f"{victim}"),
        ("main", "docs", ".."),
        ("main", "docs", "."),
        (f"main/{victim}", "docs", "secret.txt"),
        (f"../main/{victim}", "docs", "secret.txt"),
        ("..", f"main/{victim}/docs", "secret.txt"),
        ("", f"main/{victim}/docs", "secret.txt"),
        # encoded: they arrive literally (API Gateway decodes once), so they are names inside one's own tree
        ("main", f"..%2F{victim}%2Fdocs", "secret.txt"),
        ("main", f"%2e%2e/{victim}/docs", "secret.txt"),
        ("main", f"%252e%252e/{victim}/docs", "secret.txt"),
        ("main", f"\uff0e\uff0e/{victim}/docs", "secret.txt"),  # fullwidth dots
        ("main", f"....//{victim}/docs", "secret.txt"),
    ]
