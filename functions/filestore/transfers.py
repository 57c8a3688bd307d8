"""Files: upload and download through short-lived tokens bound to one user and one path; delete; list.

An upload token is used up by exactly one upload (a conditional write): the
file in the request, or, for large files, the one object its presigned form
stored at its own exact key under `incoming/`, moved into place when the
client calls the upload address without a file.
"""

from __future__ import annotations

import mimetypes
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from filestore import paths
from filestore.errors import (
    BadDeleteTarget,
    BadDownloadTarget,
    BadFolder,
    BadUploadTarget,
    FileTooLarge,
    FormUploadRefused,
    InvalidDownloadToken,
    InvalidUploadToken,
    NoFile,
)
from filestore.models import SessionItem, Transfer, TransferToken
from filestore.schemas import (
    Deleted,
    Disks,
    DownloadGranted,
    ListedFile,
    Listing,
    Uploaded,
    UploadForm,
    UploadGranted,
)
from filestore.settings import settings
from shared import outages, storage
from shared.dynamo import applied
from shared.observability import logger, metrics
from shared.tokens import new_token

INCOMING_PREFIX = "incoming/"  # where upload forms write, outside every disk; moved into place on finalisation
CLAIM_LEASE = timedelta(seconds=120)  # longer than the upload function's timeout


@dataclass(frozen=True)
class Download:
    content: bytes | None  # the bytes, or None when the client is redirected
    redirect: str | None
    content_type: str
    file_name: str


def request_upload(session: SessionItem, disk: str | None, folder: str | None, file_name: str | None) -> UploadGranted:
    config = settings()
    location = paths.locate(disk, int(session.user_id), folder, file_name, config.disk_names)
    if location is None:
        raise BadUploadTarget()
    content_type = expected_type(location.file_name)
    staging_key = f"{INCOMING_PREFIX}{secrets.token_hex(16)}"
    token = _issue(Transfer.UPLOAD, session, location, config.upload_token_seconds, content_type, staging_key)
    form = storage.presigned_post(
        config.bucket_name,
        staging_key,
        max_bytes=config.max_upload_bytes,
        expires_in=config.upload_token_seconds,
        content_type=content_type,
    )
    upload = UploadForm(url=form.url, fields=form.fields, maxBytes=form.max_bytes, expiresAt=_utc(form.expires_at))
    return UploadGranted(upload_token=token, upload=upload)


def expected_type(file_name: str) -> str:
    """The Content-Type a form upload must declare: the one the file's name implies."""
    return mimetypes.guess_type(file_name)[0] or storage.DEFAULT_TYPE


def upload(session: SessionItem, token: str, content: bytes | None, content_type: str | None) -> Uploaded:
    grant = _grant(Transfer.UPLOAD, token, session, InvalidUploadToken())
    if content is None:
        return _finalize_form_upload(grant)
    if len(content) > settings().max_direct_upload_bytes:
        raise FileTooLarge()
    kind = content_type or expected_type(grant.file_name)
    # Claim the token before writing: of concurrent uploads with one token exactly one writes the file.
    _claim(grant)
    try:
        storage.put_object(settings().bucket_name, grant.object_key, content, kind, file_name=grant.file_name)
    except Exception:
        _unclaim(grant)
        raise
    _used_up(grant)
    return Uploaded(file_name=grant.file_name, size=len(content))


def _finalize_form_upload(grant: TransferToken) -> Uploaded:
    """Move what the token's form stored to the file's place, if it is what the form allowed; once."""
    config = settings()
    expected = grant.content_type or storage.DEFAULT_TYPE
    for _ in range(3):
        arrived = storage.head_object(config.bucket_name, grant.staging_key) if grant.staging_key else None
        if arrived is None:
            _grant_unused(grant)  # a concurrent call may have just moved it
            raise NoFile()
        # S3 enforces the form's policy in production; checked again here (moto enforces none).
        if not 1 <= arrived.size <= config.max_upload_bytes or storage.media_type(arrived.content_type) != expected:
            storage.delete_object(config.bucket_name, arrived.key)
            raise FormUploadRefused()
        _claim(grant)
        try:
            copied = storage.copy_object(
                config.bucket_name, arrived, grant.object_key, content_type=expected, file_name=grant.file_name
            )
        except Exception:
            _unclaim(grant)
            raise
        if copied:
            _used_up(grant)
            _discard(arrived.key)
            return Uploaded(file_name=grant.file_name, size=arrived.size)
        _unclaim(grant)  # replaced since it was checked (the form was posted again): look again
    raise NoFile()


def _discard(key: str) -> None:
    """The form's staging object, once copied into place: removed now if S3 lets us, else by the lifecycle."""
    try:
        storage.delete_object(settings().bucket_name, key)
    except Exception as exc:
        logger.warning("staging object left behind", extra={"error": type(exc).__name__})


def _grant_unused(grant: TransferToken) -> None:
    try:
        grant.refresh(consistent_read=True)
    except TransferToken.DoesNotExist:
        raise InvalidUploadToken() from None
    if grant.claimed_at is not None and grant.claimed_at >= datetime.now(UTC) - CLAIM_LEASE:
        raise InvalidUploadToken()


def _claim(grant: TransferToken) -> None:
    """Take the token, by a conditional write: of concurrent uses exactly one gets it.

    A claim older than any invocation can live is free again: a function stopped
    mid-copy (timeout) does not keep the token forever.
    """
    now = datetime.now(UTC)
    free = TransferToken.claimed_at.does_not_exist() | (TransferToken.claimed_at < now - CLAIM_LEASE)
    claimed = applied(
        lambda: grant.update(
            actions=[TransferToken.claimed_at.set(now)],
            condition=TransferToken.pk.exists() & free,
        )
    )
    if not claimed:
        raise InvalidUploadToken()


def _unclaim(grant: TransferToken) -> None:
    """A failed write does not use the token up: released now (tried again while the database is unavailable),
    else by its lease, when the client's retry is refused meanwhile."""
    try:
        outages.retrying(lambda: grant.update(actions=[TransferToken.claimed_at.remove()]))
    except Exception as exc:
        logger.error("upload token not released", extra={"error": type(exc).__name__})


def _used_up(grant: TransferToken) -> None:
    """The file is stored: the token is spent. If the database refuses even that, the upload still stands (the
    answer says so); the token stays claimed until its lease ends, then could only rewrite the same file."""
    metrics.add_metric(name="FilesUploaded", unit="Count", value=1)
    try:
        outages.retrying(grant.delete)
    except Exception as exc:
        logger.error("spent upload token not deleted", extra={"error": type(exc).__name__})


def request_download(
    session: SessionItem, disk: str | None, folder: str | None, file_name: str | None, timeout: int
) -> DownloadGranted:
    config = settings()
    location = paths.locate(disk, int(session.user_id), folder, file_name, config.disk_names)
    if location is None or storage.head_object(config.bucket_name, location.key) is None:
        raise BadDownloadTarget()
    return DownloadGranted(download_token=_issue(Transfer.DOWNLOAD, session, location, timeout))


def download(session: SessionItem, token: str) -> Download:
    grant = _grant(Transfer.DOWNLOAD, token, session, InvalidDownloadToken())
    config = settings()
    stored = storage.head_object(config.bucket_name, grant.object_key)
    if stored is None:
        raise InvalidDownloadToken()  # deleted since the token was given
    if stored.size > config.max_direct_download_bytes:
        seconds = max(1, min(300, int((grant.valid_until - datetime.now(UTC)).total_seconds())))
        url = storage.presigned_get(
            config.bucket_name, grant.object_key, expires_in=seconds, download_name=grant.file_name
        )
        return Download(None, url, stored.content_type, grant.file_name)
    body = storage.read_object(config.bucket_name, grant.object_key)
    return Download(body, None, stored.content_type or storage.DEFAULT_TYPE, grant.file_name)


def delete(session: SessionItem, disk: str | None, folder: str | None, file_name: str | None) -> Deleted:
    config = settings()
    location = paths.locate(disk, int(session.user_id), folder, file_name, config.disk_names)
    if location is None or storage.head_object(config.bucket_name, location.key) is None:
        raise BadDeleteTarget()
    storage.delete_object(config.bucket_name, location.key)
    return Deleted()


def listing(session: SessionItem, disk: str | None, folder: str | None) -> Listing:
    """One folder, from one listing request: each file's type is the one its name implies (S3 lists no types)."""
    config = settings()
    clean = paths.normalize_folder(folder)
    if disk is None or disk not in config.disk_names or clean is None:
        raise BadFolder()
    prefix = paths.folder_prefix(disk, int(session.user_id), clean)
    found = storage.list_folder(config.bucket_name, prefix)
    if clean and not found.objects and not found.folders:
        raise BadFolder()
    files = [
        ListedFile(
            name=(name := item.key.removeprefix(prefix)),
            size=item.size,
            content_type=expected_type(name),
            modified_at=_utc(item.last_modified),
        )
        for item in found.objects
    ]
    return Listing(disk=disk, folder=clean, folders=found.folders, files=files, truncated=found.truncated)


def disks() -> Disks:
    return Disks(disks=settings().disk_names)


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _issue(
    kind: Transfer,
    session: SessionItem,
    location: paths.Location,
    seconds: int,
    content_type: str | None = None,
    staging_key: str | None = None,
) -> str:
    """A random token for one user's one file, stored hashed, valid `seconds`, then removed by TTL."""
    token = new_token(24)
    valid_until = datetime.now(UTC) + timedelta(seconds=seconds)
    TransferToken(
        *TransferToken.key(kind, token),
        user_id=session.user_id,
        disk=location.disk,
        object_key=location.key,
        file_name=location.file_name,
        content_type=content_type,
        staging_key=staging_key,
        valid_until=valid_until,
        expires_at=valid_until + timedelta(days=1),
    ).save()
    return token


def _grant(kind: Transfer, token: str, session: SessionItem, invalid: Exception) -> TransferToken:
    """The token's grant, if it is this user's and still valid; any other case is the same refusal."""
    if not token or len(token) > 200:
        raise invalid
    grant = TransferToken.find(kind, token)
    if grant is None or grant.user_id != session.user_id or grant.valid_until <= datetime.now(UTC):
        raise invalid
    return grant
