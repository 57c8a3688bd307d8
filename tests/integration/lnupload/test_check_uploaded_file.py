from __future__ import annotations

import base64
from concurrent.futures import ThreadPoolExecutor

import pytest

from lnupload import uploads
from lnupload.errors import AlreadyUploaded
from lnupload.models import InvoiceItem
from lnupload.settings import settings
from shared import storage
from tests.events import load_event, multipart, with_body
from tests.integration.lnupload.conftest import (
    CHECK_UPLOADED_FILE,
    new_invoice,
    paid_invoice,
)

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(range(256)) * 4 + b"\r\n--not-a-boundary\r\n\xff\xd9"


def upload_event(
    payment_hash: str | None,
    content: bytes = JPEG,
    filename: str = "bitcoin.jpg",
    content_type: str = "image/jpeg",
    field: str = "data",
) -> dict:
    event = load_event("lnupload", "check_uploaded_file")
    if payment_hash is None:
        event["headers"].pop("payment-hash")
    else:
        event["headers"]["payment-hash"] = payment_hash
    body, declared = multipart({field: (filename, content, content_type)})
    return with_body(event, body, declared)


def stored(url: str) -> tuple[bytes, str]:
    key = "public/" + url.rsplit("/", 1)[-1]
    obj = storage.client("s3").get_object(Bucket=settings().bucket_name, Key=key)
    return obj["Body"].read(), obj["ContentType"]


def test_the_events_file_uploads_for_its_payment_hash(lnupload, invoke):
    # Given the events/ file (the spec's curl -F example), pointed at a paid invoice
    payment_hash = paid_invoice(invoke, lnupload)
    event = load_event("lnupload", "check_uploaded_file")
    event["headers"]["payment-hash"] = payment_hash
    # When it reaches the handler
    status, body, _ = invoke(CHECK_UPLOADED_FILE, event)
    # Then the documented nominal answer, and the file exists under a random .jpg name
    assert status == 200
    assert body["success"] is True and body["message"] == "File uploaded"
    assert body["url"].startswith(settings().files_base_url + "/") and body["url"].endswith(".jpg")
    assert stored(body["url"])[1] == "image/jpeg"


def test_binary_content_and_type_survive_byte_for_byte(lnupload, invoke):
    payment_hash = paid_invoice(invoke, lnupload)
    _, body, _ = invoke(CHECK_UPLOADED_FILE, upload_event(payment_hash))
    assert stored(body["url"]) == (JPEG, "image/jpeg")


def test_one_payment_one_upload(lnupload, invoke):
    payment_hash = paid_invoice(invoke, lnupload)
    first = invoke(CHECK_UPLOADED_FILE, upload_event(payment_hash))[1]
    second = invoke(CHECK_UPLOADED_FILE, upload_event(payment_hash))[1]
    assert first["success"] is True
    assert second == {
        "success": False,
        "message": "A file has already been uploaded for this invoice: one payment allows one upload.",
    }
    assert InvoiceItem.get(InvoiceItem.key(payment_hash)).file_url == first["url"]


def test_concurrent_uploads_for_one_payment_store_exactly_one_file(lnupload, invoke):
    # Given a paid invoice and eight clients racing to use it (through the logic: a Lambda process runs one
    # invocation at a time, so threads must not share the handler's resolver; e2e races over HTTP)
    payment_hash = paid_invoice(invoke, lnupload)

    def upload(_: int) -> str | None:
        try:
            return uploads.store_file(payment_hash, JPEG, "race.jpg", "image/jpeg").url
        except AlreadyUploaded:
            return None

    with ThreadPoolExecutor(max_workers=8) as pool:
        urls = list(pool.map(upload, range(8)))
    # Then one wins, the others are refused, and only the winner's object remains
    winners = [url for url in urls if url]
    assert len(winners) == 1
    stored_names = {obj.key.removeprefix("public/") for obj in storage.list_objects(settings().bucket_name, "public/")}
    assert winners[0].rsplit("/", 1)[-1] in stored_names
    assert InvoiceItem.get(InvoiceItem.key(payment_hash)).file_url == winners[0]


def test_unpaid_invoice_cannot_upload(lnupload, invoke):
    payment_hash = new_invoice(invoke)
    assert invoke(CHECK_UPLOADED_FILE, upload_event(payment_hash))[1]["message"] == "Invoice not paid yet."


@pytest.mark.parametrize(
    ("header", "message"),
    [(None, "Missing payment hash"), ("nothex", "Invalid payment hash"), ("cd" * 32, "Unknown invoice")],
)
def test_bad_payment_hash_headers(lnupload, invoke, header, message):
    status, body, _ = invoke(CHECK_UPLOADED_FILE, upload_event(header))
    assert status == 200 and body["success"] is False and body["message"].startswith(message)


def test_failed_attempts_do_not_use_the_payment_up(lnupload, invoke):
    # Given a paid invoice
    payment_hash = paid_invoice(invoke, lnupload)
    too_big = b"x" * (settings().max_direct_upload_bytes + 1)
    broken = load_event("lnupload", "check_uploaded_file")
    broken["headers"]["payment-hash"] = payment_hash
    broken["body"] = base64.b64encode(b"--nope\r\ngarbage").decode()
    # When attempts fail: empty file, oversized file, wrong field name, broken multipart, no file at all
    failures = [
        invoke(CHECK_UPLOADED_FILE, upload_event(payment_hash, content=b""))[1],
        invoke(CHECK_UPLOADED_FILE, upload_event(payment_hash, content=too_big))[1],
        invoke(CHECK_UPLOADED_FILE, upload_event(payment_hash, field="file"))[1],
        invoke(CHECK_UPLOADED_FILE, broken)[1],
    ]
    # Then each is a readable failure, and the payment still buys one upload
    assert [answer["success"] for answer in failures] == [False] * 4
    assert failures[0]["message"] == "The file is empty."
    assert failures[1]["message"].startswith("File too large for a direct upload")
    assert invoke(CHECK_UPLOADED_FILE, upload_event(payment_hash))[1]["success"] is True


@pytest.mark.parametrize(
    ("filename", "content_type", "disposition"),
    [
        ("page.html", "text/html", True),
        ("logo.svg", "image/svg+xml", True),
        ("feed.xml", "application/xml", True),
        ("app.js", "text/javascript", True),
        ("page.html", "text/html, image/png", True),  # malformed: octet-stream, a download
        ("photo.jpg", "image/jpeg", False),
        ("notes.txt", "text/plain; charset=utf-8", False),
    ],
)
def test_active_content_is_stored_as_a_download(lnupload, invoke, filename, content_type, disposition):
    # Given a paid invoice; When a file of that type is uploaded directly
    payment_hash = paid_invoice(invoke, lnupload)
    body = invoke(
        CHECK_UPLOADED_FILE, upload_event(payment_hash, b"<html><script>alert(1)</script>", filename, content_type)
    )[1]
    # Then active or malformed types carry Content-Disposition: attachment (S3 and CloudFront return it)
    key = "public/" + body["url"].rsplit("/", 1)[-1]
    head = storage.client("s3").head_object(Bucket=settings().bucket_name, Key=key)
    assert head.get("ContentDisposition", "").startswith("attachment;") is disposition, head
