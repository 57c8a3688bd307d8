"""One file per paid invoice: direct uploads, and uploads that went straight to S3.

The object is stored first and the invoice claimed after, by a conditional
write: a failed attempt never uses the payment up, and of two concurrent
uploads exactly one wins (the loser's object is removed). When the claim itself
fails (the database unavailable), the object is removed too: nothing is left
under a name nobody will ever be given, and the client's retry starts afresh.

A large file goes to S3 with a presigned form bound to one exact key per
invoice, `incoming/<payment_hash>/file`: replaying the form can only rewrite
that one private object, which becomes public only through the claim.
"""

from __future__ import annotations

import mimetypes
import re
import secrets
from datetime import UTC, datetime

from lnupload.errors import AlreadyUploaded, EmptyFile, FileTooLarge, FormFileTooLarge, NoFile
from lnupload.invoices import paid_invoice
from lnupload.models import InvoiceItem
from lnupload.schemas import FileUploaded, UploadForm
from lnupload.settings import settings
from shared import storage
from shared.dynamo import applied
from shared.observability import logger, metrics

PUBLIC_PREFIX = "public/"  # the only prefix the CDN serves
EXTENSION = re.compile(r"\.[a-z0-9]{1,10}")


def incoming_key(payment_hash: str) -> str:
    """The one key an invoice's upload form can write."""
    return f"incoming/{payment_hash}/file"


def upload_form(invoice: InvoiceItem) -> UploadForm | None:
    """A presigned POST for a large file, bound to this invoice's one incoming key; None once it is used."""
    if invoice.file_key is not None:
        return None
    config = settings()
    post = storage.presigned_post(
        config.bucket_name,
        incoming_key(invoice.payment_hash),
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
    key = _public_key(_extension(filename))
    storage.put_object(settings().bucket_name, key, content, _content_type(filename, content_type))
    return _claim(item, key)


def finalize_presigned_upload(payment_hash: str) -> FileUploaded:
    """Publish what the form stored, if it is what the form allowed; the claim makes it once only."""
    bucket = settings().bucket_name
    for _ in range(3):
        item = _unused_paid_invoice(payment_hash)
        arrived = storage.head_object(bucket, incoming_key(payment_hash))
        if arrived is None:
            _unused_paid_invoice(payment_hash)  # a concurrent call may have just published it
            raise NoFile()
        # S3 enforces the form's policy in production; checked again here (moto enforces none).
        if not 1 <= arrived.size <= settings().max_upload_bytes:
            storage.delete_object(bucket, arrived.key)  # useless: a new upload through the form replaces it anyway
            raise EmptyFile() if arrived.size < 1 else FormFileTooLarge()
        content_type = storage.media_type(arrived.content_type)
        key = _public_key(_type_extension(content_type))
        if storage.copy_object(bucket, arrived, key, content_type=content_type):
            result = _claim(item, key)
            _discard(arrived.key)  # published: the form's copy is spare (the lifecycle removes it otherwise)
            return result
        # gone (a concurrent call published it) or replaced (the form was posted again): look again
    raise NoFile()


def _unused_paid_invoice(payment_hash: str) -> InvoiceItem:
    item = paid_invoice(payment_hash)
    if item.file_key is not None:
        raise AlreadyUploaded()
    return item


def _claim(item: InvoiceItem, key: str) -> FileUploaded:
    url = f"{settings().files_base_url.rstrip('/')}/{key.removeprefix(PUBLIC_PREFIX)}"
    try:
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
    except Exception:
        _discard(key)  # not published: the retry stores its own
        raise
    if not claimed:
        item.refresh(consistent_read=True)
        if item.file_key != key:  # else: our own write, whose first answer was lost and the SDK retried
            storage.delete_object(settings().bucket_name, key)
            raise AlreadyUploaded()
    metrics.add_metric(name="FilesUploaded", unit="Count", value=1)
    return FileUploaded(url=url)


def _discard(key: str) -> None:
    """Remove an object nobody links to, if S3 lets us now; else it only costs its storage."""
    try:
        storage.delete_object(settings().bucket_name, key)
    except Exception as exc:
        logger.warning("object left behind", extra={"key": key, "error": type(exc).__name__})


def _public_key(extension: str) -> str:
    """A random name keeping only a sane extension: no client path ever becomes a key."""
    return f"{PUBLIC_PREFIX}{secrets.token_hex(16)}{extension if EXTENSION.fullmatch(extension) else ''}"


def _extension(filename: str | None) -> str:
    if filename and "." in filename:
        return "." + filename.rsplit(".", 1)[-1].lower()
    return ""


def _type_extension(content_type: str) -> str:
    """A form upload's public extension comes from the Content-Type it was posted with (no file name reaches us)."""
    if content_type == storage.DEFAULT_TYPE:
        return ""
    return mimetypes.guess_extension(content_type.split(";", 1)[0]) or ""


def _content_type(filename: str | None, declared: str | None) -> str:
    if declared and declared != storage.DEFAULT_TYPE:
        return declared
    guessed, _ = mimetypes.guess_type(filename or "")
    return guessed or storage.DEFAULT_TYPE
