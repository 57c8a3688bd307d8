"""S3 objects and presigned URLs, so large files never pass through Lambda."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote

from botocore.exceptions import ClientError

from shared.aws import client


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


def presigned_post(bucket: str, key: str, *, max_bytes: int, expires_in: int, min_bytes: int = 1) -> PresignedPost:
    """A browser-form upload straight to S3, size-bounded by content-length-range.

    `key` may end in `${filename}`, which S3 replaces with the uploaded file's name;
    the policy then only allows keys under the fixed part before it.
    """
    # boto3 adds the key condition itself: `starts-with` the fixed part for ${filename} keys.
    conditions: list[Any] = [
        ["content-length-range", min_bytes, max_bytes],
        ["starts-with", "$Content-Type", ""],
    ]
    post = client("s3").generate_presigned_post(bucket, key, Conditions=conditions, ExpiresIn=expires_in)
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


def put_object(bucket: str, key: str, body: bytes, content_type: str) -> None:
    client("s3").put_object(Bucket=bucket, Key=key, Body=body, ContentType=content_type)


def copy_object(bucket: str, source_key: str, target_key: str) -> None:
    """Server-side copy; S3 keeps the content type and metadata of the source."""
    client("s3").copy_object(Bucket=bucket, Key=target_key, CopySource={"Bucket": bucket, "Key": source_key})


def delete_object(bucket: str, key: str) -> None:
    client("s3").delete_object(Bucket=bucket, Key=key)


def head_object(bucket: str, key: str) -> StoredObject | None:
    try:
        head = client("s3").head_object(Bucket=bucket, Key=key)
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") in {"404", "NoSuchKey", "NotFound"}:
            return None
        raise
    return StoredObject(key, head["ContentLength"], head.get("ContentType", ""), head["LastModified"])


def list_objects(bucket: str, prefix: str, limit: int = 1000) -> list[StoredObject]:
    page = client("s3").list_objects_v2(Bucket=bucket, Prefix=prefix, MaxKeys=limit)
    return [StoredObject(item["Key"], item["Size"], "", item["LastModified"]) for item in page.get("Contents", [])]
