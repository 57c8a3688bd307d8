"""One file per paid invoice: direct uploads, and uploads that went straight to S3.

The object is stored first and the invoice claimed after, by a conditional
write: a failed attempt never uses the payment up, and of two concurrent
uploads exactly one wins (the loser's object is removed).
"""

from __future__ import annotations

import mimetypes
import re
import secrets
from datetime import UTC, datetime

from lnupload.errors import AlreadyUploaded, EmptyFile, FileTooLarge, NoFile
from lnupload.invoices import paid_invoice
from lnupload.models import InvoiceItem
from lnupload.schemas import FileUploaded, UploadForm
from lnupload.settings import settings
from shared import storage
from shared.dynamo import applied
from shared.observability import metrics

PUBLIC_PREFIX = "public/"  # the only prefix the CDN serves
EXTENSION = re.compile(r"\.[a-z0-9]{1,10}")


def incoming_prefix(payment_hash: str) -> str:
    return f"incoming/{payment_hash}/"


def upload_form(payment_hash: str) -> UploadForm:
    """A presigned POST for large files, bound to this invoice's incoming prefix."""
    config = settings()
    post = storage.presigned_post(
        config.bucket_name,
        incoming_prefix(payment_hash) + "${filename}",
        max_bytes=config.max_upload_bytes,
        expires_in=config.upload_form_expiry_seconds,
    )
    return UploadForm(url=post.url, fields=post.fields, maxBytes=post.max_bytes, expiresAt=post.expires_at)


def store_file(payment_hash: str, content: bytes, filename: str | None, content_type: str | None) -> FileUploaded:
    item = _unused_paid_invoice(payment_hash)
    if not content:
        raise EmptyFile()
    if len(content) > settings().max_direct_upload_bytes:
        raise FileTooLarge()
    key = _public_key(filename)
    storage.put_object(settings().bucket_name, key, content, _content_type(filename, content_type))
    return _claim(item, key)


def finalize_presigned_upload(payment_hash: str) -> FileUploaded:
    item = _unused_paid_invoice(payment_hash)
    bucket = settings().bucket_name
    arrived = storage.list_objects(bucket, incoming_prefix(payment_hash), limit=1)
    if not arrived:
        raise NoFile()
    source = arrived[0].key
    key = _public_key(source.rsplit("/", 1)[-1])
    storage.copy_object(bucket, source, key)
    result = _claim(item, key)
    storage.delete_object(bucket, source)
    return result


def _unused_paid_invoice(payment_hash: str) -> InvoiceItem:
    item = paid_invoice(payment_hash)
    if item.file_key is not None:
        raise AlreadyUploaded()
    return item


def _claim(item: InvoiceItem, key: str) -> FileUploaded:
    url = f"{settings().files_base_url.rstrip('/')}/{key.removeprefix(PUBLIC_PREFIX)}"
    claimed = applied(
        lambda: item.update(
            actions=[
                InvoiceItem.file_key.set(key),
                InvoiceItem.file_url.set(url),
                InvoiceItem.uploaded_at.set(datetime.now(UTC)),
            ],
            condition=InvoiceItem.file_key.does_not_exist() & InvoiceItem.paid_at.exists(),
        )
    )
    if not claimed:
        storage.delete_object(settings().bucket_name, key)
        raise AlreadyUploaded()
    metrics.add_metric(name="FilesUploaded", unit="Count", value=1)
    return FileUploaded(url=url)


def _public_key(filename: str | None) -> str:
    """A random name keeping only a sane extension: no client path ever becomes a key."""
    extension = ""
    if filename and "." in filename:
        candidate = "." + filename.rsplit(".", 1)[-1].lower()
        extension = candidate if EXTENSION.fullmatch(candidate) else ""
    return f"{PUBLIC_PREFIX}{secrets.token_hex(16)}{extension}"


def _content_type(filename: str | None, declared: str | None) -> str:
    if declared and declared != "application/octet-stream":
        return declared
    guessed, _ = mimetypes.guess_type(filename or "")
    return guessed or "application/octet-stream"
