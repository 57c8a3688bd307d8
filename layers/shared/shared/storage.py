"""S3 objects and presigned URLs, so large files never pass through Lambda.

What a browser may render in place is decided here, once, when an object is
written: passive media and plain text keep `inline`; any other type (HTML,
XHTML, SVG, XML, JavaScript, PDF, unknown or malformed) is stored with
`Content-Disposition: attachment`, which S3 and CloudFront hand back on every
GET, so nobody can host active content on our domains. Responses also carry
`X-Content-Type-Options: nosniff` (the CDN's response headers policy), so a
browser never second-guesses the stored type.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any
from urllib.parse import quote

from boto3.s3.transfer import TransferConfig
from botocore.exceptions import ClientError

from shared.aws import client
from shared.lifecycle import at_init


@dataclass(frozen=True)
class PresignedPost:
    url: str
    fields: dict[str, str]
    max_bytes: int
    expires_at: datetime


@dataclass(frozen=True)
class StoredObject:
    key: str
    size: int
    content_type: str
    last_modified: datetime
    etag: str = ""


MIB = 1024 * 1024
at_init(partial(client, "s3"))
_COPY = TransferConfig(multipart_threshold=256 * MIB, multipart_chunksize=128 * MIB, max_concurrency=16)
DEFAULT_TYPE = "application/octet-stream"
# Rendered in place by browsers without running anything: raster images, audio, video, plain text.
INLINE_TYPES = frozenset(
    {
        "image/png",
        "image/jpeg",
        "image/gif",
        "image/webp",
        "image/avif",
        "image/bmp",
        "text/plain",
        "text/csv",
        "application/json",
    }
)
INLINE_FAMILIES = ("audio/", "video/")
_NAME = r"[a-z0-9][a-z0-9!#$&^_.+-]{0,126}"
_MEDIA_TYPE = re.compile(rf"({_NAME}/{_NAME})(\s*;\s*charset=[a-z0-9._-]{{1,40}})?")


def media_type(declared: str | None) -> str:
    """A declared Content-Type as stored: `type/subtype` (and its charset), lower-cased; else octet-stream."""
    found = _MEDIA_TYPE.fullmatch((declared or "").strip().lower())
    return found.group(0) if found else DEFAULT_TYPE


def renders_inline(content_type: str) -> bool:
    """Whether a browser may show this type from our domains (else it is served as a download)."""
    essence = content_type.split(";", 1)[0].strip().lower()
    return essence in INLINE_TYPES or essence.startswith(INLINE_FAMILIES)


def served_as(declared: str | None, file_name: str) -> dict[str, str]:
    """ContentType, and ContentDisposition for active or unknown types, to store an object with."""
    content_type = media_type(declared)
    if renders_inline(content_type):
        return {"ContentType": content_type}
    return {"ContentType": content_type, "ContentDisposition": attachment(file_name)}


def presigned_post(
    bucket: str, key: str, *, max_bytes: int, expires_in: int, min_bytes: int = 1, content_type: str | None = None
) -> PresignedPost:
    """A browser-form upload straight to S3 of one exact key, size-bounded by content-length-range.

    With `content_type`, the form carries it as a field and the policy requires
    exactly it (`eq`); without, the client declares one. S3 enforces the policy
    (moto does not): whoever finalises the upload checks the object against it
    too (`head_object`).
    """
    if "${filename}" in key:
        raise ValueError("a presigned form is bound to one exact key")
    # boto3 adds the exact-key condition {"key": key} itself.
    conditions: list[Any] = [["content-length-range", min_bytes, max_bytes]]
    fields: dict[str, str] = {}
    if content_type is None:
        conditions.append(["starts-with", "$Content-Type", ""])
    else:
        fields["Content-Type"] = content_type
        conditions.append({"Content-Type": content_type})
    post = client("s3").generate_presigned_post(bucket, key, Fields=fields, Conditions=conditions, ExpiresIn=expires_in)
    expires_at = datetime.now(UTC) + timedelta(seconds=expires_in)
    return PresignedPost(url=post["url"], fields=post["fields"], max_bytes=max_bytes, expires_at=expires_at)


def presigned_get(bucket: str, key: str, *, expires_in: int, download_name: str | None = None) -> str:
    params: dict[str, Any] = {"Bucket": bucket, "Key": key}
    if download_name:
        params["ResponseContentDisposition"] = attachment(download_name)
    return str(client("s3").generate_presigned_url("get_object", Params=params, ExpiresIn=expires_in))


def attachment(file_name: str) -> str:
    """Content-Disposition for a download, safe for any name (quotes, accents): RFC 6266 / RFC 5987."""
    ascii_fallback = "".join(c if 32 <= ord(c) < 127 and c not in '"\\' else "_" for c in file_name)
    return f"attachment; filename=\"{ascii_fallback}\"; filename*=UTF-8''{quote(file_name, safe='')}"


def put_object(bucket: str, key: str, body: bytes, content_type: str | None, *, file_name: str | None = None) -> None:
    """Store bytes; active types are stored as downloads named `file_name` (default: the key's last part)."""
    presented = served_as(content_type, file_name or key.rsplit("/", 1)[-1])
    client("s3").put_object(Bucket=bucket, Key=key, Body=body, **presented)


def copy_object(
    bucket: str,
    source: StoredObject,
    target_key: str,
    *,
    content_type: str | None = None,
    file_name: str | None = None,
) -> bool:
    """Server-side copy of exactly the object `source` describes (same ETag), stored as `served_as` decides.

    Large objects are copied in parallel parts (a single CopyObject of several GiB
    would outlast the function). False when the source is gone, or was replaced
    since it was read (S3 refuses the copy with 412).
    """
    presented = served_as(content_type or source.content_type, file_name or target_key.rsplit("/", 1)[-1])
    extra: dict[str, Any] = {"MetadataDirective": "REPLACE", **presented}
    if source.etag:
        extra["CopySourceIfMatch"] = source.etag
    try:
        client("s3").copy({"Bucket": bucket, "Key": source.key}, bucket, target_key, ExtraArgs=extra, Config=_COPY)
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") in {"404", "NoSuchKey", "412", "PreconditionFailed"}:
            return False
        raise
    return True


def delete_object(bucket: str, key: str) -> None:
    client("s3").delete_object(Bucket=bucket, Key=key)


def head_object(bucket: str, key: str) -> StoredObject | None:
    try:
        head = client("s3").head_object(Bucket=bucket, Key=key)
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") in {"404", "NoSuchKey", "NotFound"}:
            return None
        raise
    return StoredObject(
        key, head["ContentLength"], head.get("ContentType", ""), head["LastModified"], head.get("ETag", "")
    )


def read_object(bucket: str, key: str) -> bytes:
    return bytes(client("s3").get_object(Bucket=bucket, Key=key)["Body"].read())


def list_objects(bucket: str, prefix: str, limit: int = 1000) -> list[StoredObject]:
    """Up to `limit` objects under `prefix`, at any depth (no content type: listings do not carry it)."""
    page = client("s3").list_objects_v2(Bucket=bucket, Prefix=prefix, MaxKeys=limit)
    return [_listed(item) for item in page.get("Contents", [])]


@dataclass(frozen=True)
class Folder:
    objects: list[StoredObject]  # directly in the folder (no content type: listings do not carry it)
    folders: list[str]  # the names of its sub-folders
    truncated: bool  # more than `limit` entries: only the first are here


def list_folder(bucket: str, prefix: str, limit: int = 1000) -> Folder:
    """One level under `prefix` ("a/b/"): its objects with sizes and dates, and its sub-folders; one request."""
    page = client("s3").list_objects_v2(Bucket=bucket, Prefix=prefix, Delimiter="/", MaxKeys=limit)
    return Folder(
        objects=[_listed(item) for item in page.get("Contents", [])],
        folders=[entry["Prefix"].removeprefix(prefix).rstrip("/") for entry in page.get("CommonPrefixes", [])],
        truncated=bool(page.get("IsTruncated")),
    )


def _listed(item: dict[str, Any]) -> StoredObject:
    return StoredObject(item["Key"], item["Size"], "", item["LastModified"], item.get("ETag", ""))
