"""Files: upload and download through short-lived tokens bound to one user and one path; delete; list."""

from __future__ import annotations

import mimetypes
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from filestore import paths
from filestore.errors import (
    BadDeleteTarget,
    BadDownloadTarget,
    BadFolder,
    BadUploadTarget,
    FileTooLarge,
    InvalidDownloadToken,
    InvalidUploadToken,
    NoFile,
)
from filestore.models import SessionItem, TransferToken
from filestore.settings import settings
from shared import storage
from shared.aws import client
from shared.dynamo import applied
from shared.observability import metrics
from shared.tokens import new_token, token_hash


@dataclass(frozen=True)
class Download:
    content: bytes | None  # the bytes, or None when the client is redirected
    redirect: str | None
    content_type: str
    file_name: str


def request_upload(session: SessionItem, disk: Any, folder: Any, file_name: Any) -> dict[str, Any]:
    config = settings()
    location = paths.locate(disk, int(session.user_id), folder, file_name, config.disk_names)
    if location is None:
        raise BadUploadTarget()
    token = _issue("UPLOAD", session, location, config.upload_token_seconds)
    form = storage.presigned_post(
        config.bucket_name, location.key, max_bytes=config.max_upload_bytes, expires_in=config.upload_token_seconds
    )
    return {
        "upload_token": token,
        "upload": {
            "url": form.url,
            "fields": form.fields,
            "maxBytes": form.max_bytes,
            "expiresAt": form.expires_at.isoformat().replace("+00:00", "Z"),
        },
    }


def upload(session: SessionItem, token: str, content: bytes | None, content_type: str | None) -> dict[str, Any]:
    grant = _grant("UPLOAD", token, session, InvalidUploadToken())
    if content is None:
        raise NoFile()
    if len(content) > settings().max_direct_upload_bytes:
        raise FileTooLarge()
    kind = content_type or mimetypes.guess_type(grant.file_name)[0] or "application/octet-stream"
    # Claim the token before writing: of concurrent uploads with one token exactly one writes the file.
    claimed = applied(
        lambda: grant.update(
            actions=[TransferToken.claimed_at.set(datetime.now(UTC))],
            condition=TransferToken.pk.exists() & TransferToken.claimed_at.does_not_exist(),
        )
    )
    if not claimed:
        raise InvalidUploadToken()
    try:
        storage.put_object(settings().bucket_name, grant.key, content, kind)  # replaces a file of the same name
    except Exception:
        grant.update(actions=[TransferToken.claimed_at.remove()])  # a failed write does not use the token up
        raise
    grant.delete()
    metrics.add_metric(name="FilesUploaded", unit="Count", value=1)
    return {"message": "Fichier téléversé", "file_name": grant.file_name, "size": len(content)}


def request_download(session: SessionItem, disk: Any, folder: Any, file_name: Any, timeout: int) -> dict[str, str]:
    config = settings()
    location = paths.locate(disk, int(session.user_id), folder, file_name, config.disk_names)
    if location is None or storage.head_object(config.bucket_name, location.key) is None:
        raise BadDownloadTarget()
    return {"download_token": _issue("DOWNLOAD", session, location, timeout)}


def download(session: SessionItem, token: str) -> Download:
    grant = _grant("DOWNLOAD", token, session, InvalidDownloadToken())
    config = settings()
    stored = storage.head_object(config.bucket_name, grant.key)
    if stored is None:
        raise InvalidDownloadToken()  # deleted since the token was given
    if stored.size > config.max_direct_download_bytes:
        seconds = max(1, min(300, int((grant.valid_until - datetime.now(UTC)).total_seconds())))
        url = storage.presigned_get(config.bucket_name, grant.key, expires_in=seconds, download_name=grant.file_name)
        return Download(None, url, stored.content_type, grant.file_name)
    body = client("s3").get_object(Bucket=config.bucket_name, Key=grant.key)["Body"].read()
    return Download(body, None, stored.content_type or "application/octet-stream", grant.file_name)


def delete(session: SessionItem, disk: Any, folder: Any, file_name: Any) -> dict[str, str]:
    config = settings()
    location = paths.locate(disk, int(session.user_id), folder, file_name, config.disk_names)
    if location is None or storage.head_object(config.bucket_name, location.key) is None:
        raise BadDeleteTarget()
    storage.delete_object(config.bucket_name, location.key)
    return {"message": "Fichier supprimé"}


def listing(session: SessionItem, disk: Any, folder: Any) -> dict[str, Any]:
    config = settings()
    clean = paths.normalize_folder(folder)
    if disk not in config.disk_names or clean is None:
        raise BadFolder()
    prefix = paths.folder_prefix(str(disk), int(session.user_id), clean)
    page = client("s3").list_objects_v2(Bucket=config.bucket_name, Prefix=prefix, Delimiter="/", MaxKeys=1000)
    files = []
    for item in page.get("Contents", []):
        head = storage.head_object(config.bucket_name, item["Key"])
        files.append(
            {
                "name": item["Key"].removeprefix(prefix),
                "size": item["Size"],
                "content_type": head.content_type if head else "",
                "modified_at": item["LastModified"].astimezone(UTC).isoformat().replace("+00:00", "Z"),
            }
        )
    folders = [entry["Prefix"].removeprefix(prefix).rstrip("/") for entry in page.get("CommonPrefixes", [])]
    if clean and not files and not folders:
        raise BadFolder()
    return {
        "disk": disk,
        "folder": clean,
        "folders": folders,
        "files": files,
        "truncated": bool(page.get("IsTruncated")),
    }


def disks() -> dict[str, list[str]]:
    return {"disks": settings().disk_names}


def _issue(kind: str, session: SessionItem, location: paths.Location, seconds: int) -> str:
    """A random token for one user's one file, stored hashed, valid `seconds`, then removed by TTL."""
    token = new_token(24)
    valid_until = datetime.now(UTC) + timedelta(seconds=seconds)
    TransferToken(
        f"{kind}#{token_hash(token)}",
        "TOKEN",
        user_id=session.user_id,
        disk=location.disk,
        key=location.key,
        file_name=location.file_name,
        valid_until=valid_until,
        expires_at=valid_until + timedelta(days=1),
    ).save()
    return token


def _grant(kind: str, token: str, session: SessionItem, invalid: Exception) -> TransferToken:
    """The token's grant, if it is this user's and still valid; any other case is the same refusal."""
    if not token or len(token) > 200:
        raise invalid
    try:
        grant = TransferToken.get(f"{kind}#{token_hash(token)}", "TOKEN", consistent_read=True)
    except TransferToken.DoesNotExist:
        raise invalid from None
    if grant.user_id != session.user_id or grant.valid_until <= datetime.now(UTC):
        raise invalid
    return grant
