"""checkUploadedFile without a file: publish what getSignedUrl's form stored, once, if it is what the form allowed.

moto stores whatever a form posts (it enforces no POST policy), so the form's POST is simulated by writing
its one key; the policy itself is checked in tests/unit/shared/test_storage.py and, over HTTP, in e2e.
"""

from __future__ import annotations

import base64
import json
from concurrent.futures import ThreadPoolExecutor

from lnupload import uploads
from lnupload.errors import AlreadyUploaded
from lnupload.models import InvoiceItem
from lnupload.settings import settings
from shared import storage
from tests.events import load_event
from tests.integration.lnupload.conftest import CHECK_UPLOADED_FILE, GET_SIGNED_URL, paid_invoice, signed_url_event
from tools.local.console import Console
from tools.local.lightning import FakeWallet

PDF = b"%PDF-1.7 " + b"y" * 200_000


def form_of(invoke, payment_hash: str) -> dict:
    return invoke(GET_SIGNED_URL, signed_url_event(payment_hash))[1]["upload"]


def post_form(form: dict, content: bytes, content_type: str) -> None:
    """What S3 does with a form POST: store the body at the form's key, with the declared type."""
    storage.client("s3").put_object(
        Bucket=settings().bucket_name, Key=form["fields"]["key"], Body=content, ContentType=content_type
    )


def finalize_event(payment_hash: str) -> dict:
    event = load_event("lnupload", "check_uploaded_file")
    event["headers"] = {"payment-hash": payment_hash}
    event.pop("body")
    event["isBase64Encoded"] = False
    return event


def public_keys() -> set[str]:
    return {obj.key for obj in storage.list_objects(settings().bucket_name, "public/")}


def head(url: str) -> dict:
    return storage.client("s3").head_object(Bucket=settings().bucket_name, Key="public/" + url.rsplit("/", 1)[-1])


def test_the_form_is_bound_to_one_exact_key_and_a_size_range(lnupload, invoke):
    payment_hash = paid_invoice(invoke, lnupload)
    form = form_of(invoke, payment_hash)
    # The key is exact (no ${filename}): every form of this invoice writes the same one object
    assert form["fields"]["key"] == f"incoming/{payment_hash}/file"
    conditions = json.loads(base64.b64decode(form["fields"]["policy"]))["conditions"]
    assert {"key": f"incoming/{payment_hash}/file"} in conditions
    assert ["content-length-range", 1, settings().max_upload_bytes] in conditions
    assert ["starts-with", "$Content-Type", ""] in conditions  # the client declares its file's type
    assert not any("starts-with" in c and "$key" in c for c in conditions if isinstance(c, list))


def test_a_large_file_is_published_with_its_type_and_the_incoming_object_removed(lnupload, invoke):
    # Given a paid invoice whose form stored a PDF
    payment_hash = paid_invoice(invoke, lnupload)
    post_form(form_of(invoke, payment_hash), PDF, "application/pdf")
    # When the client calls checkUploadedFile with the header and no file
    body = invoke(CHECK_UPLOADED_FILE, finalize_event(payment_hash))[1]
    # Then it is published under a random name whose extension comes from the declared type
    assert body["success"] is True and body["url"].endswith(".pdf")
    published = head(body["url"])
    assert (published["ContentLength"], published["ContentType"]) == (len(PDF), "application/pdf")
    assert published["ContentDisposition"].startswith("attachment;")  # PDF is not in the inline allowlist
    assert storage.list_objects(settings().bucket_name, f"incoming/{payment_hash}/") == []
    # And the invoice offers no more forms
    assert invoke(GET_SIGNED_URL, signed_url_event(payment_hash))[1] == {"success": True, "upload": None}


def test_a_replayed_form_and_a_second_finalisation_publish_nothing_more(lnupload, invoke):
    # Given a form posted five times (five names used to mean five objects): one object
    payment_hash = paid_invoice(invoke, lnupload)
    form = form_of(invoke, payment_hash)
    for index in range(5):
        post_form(form, f"video {index}".encode() * 1000, "video/mp4")
    assert len(storage.list_objects(settings().bucket_name, f"incoming/{payment_hash}/")) == 1
    before = public_keys()
    first = invoke(CHECK_UPLOADED_FILE, finalize_event(payment_hash))[1]
    assert first["success"] is True and first["url"].endswith(".mp4")
    # When the form is replayed after the upload was finalised, and finalised again
    post_form(form, b"sneaked in", "text/html")
    again = invoke(CHECK_UPLOADED_FILE, finalize_event(payment_hash))[1]
    # Then refused, and exactly one object was published for the payment
    assert again["success"] is False and again["message"].startswith("A file has already been uploaded")
    assert public_keys() - before == {"public/" + first["url"].rsplit("/", 1)[-1]}


def test_concurrent_finalisations_publish_exactly_one_file(lnupload, invoke):
    payment_hash = paid_invoice(invoke, lnupload)
    post_form(form_of(invoke, payment_hash), PDF, "application/pdf")
    before = public_keys()

    def finalize(_: int) -> str | None:
        try:
            return uploads.finalize_presigned_upload(payment_hash).url
        except AlreadyUploaded:
            return None

    with ThreadPoolExecutor(max_workers=6) as pool:
        outcomes = list(pool.map(finalize, range(6)))
    # One publishes; every other one is told the payment was used (never "no file", never an error)
    urls = [outcome for outcome in outcomes if outcome]
    assert len(urls) == 1 and outcomes.count(None) == 5, outcomes
    assert public_keys() - before == {"public/" + urls[0].rsplit("/", 1)[-1]}
    assert InvoiceItem.get(InvoiceItem.key(payment_hash)).file_url == urls[0]


def test_what_the_form_did_not_allow_is_discarded_without_using_the_payment(lnupload, invoke, monkeypatch):
    # Given a form whose policy S3 would enforce, and moto, which does not
    payment_hash = paid_invoice(invoke, lnupload)
    form = form_of(invoke, payment_hash)
    post_form(form, b"", "text/plain")
    assert invoke(CHECK_UPLOADED_FILE, finalize_event(payment_hash))[1]["message"] == "The file is empty."
    monkeypatch.setenv("MAX_UPLOAD_BYTES", "1000")
    settings.cache_clear()
    post_form(form, b"z" * 1001, "text/plain")
    too_large = invoke(CHECK_UPLOADED_FILE, finalize_event(payment_hash))[1]
    assert too_large["message"].startswith("The file sent through the upload form is larger than it allows")
    # Then each refused object is gone, and the payment still buys its upload
    assert storage.list_objects(settings().bucket_name, f"incoming/{payment_hash}/") == []
    post_form(form, b"z" * 1000, "text/plain")
    assert invoke(CHECK_UPLOADED_FILE, finalize_event(payment_hash))[1]["success"] is True


def test_the_local_cdn_serves_nosniff_and_the_stored_disposition(lnupload, invoke, template):
    # Given an HTML file and an image uploaded through the form
    html_hash, image_hash = paid_invoice(invoke, lnupload), paid_invoice(invoke, lnupload)
    post_form(form_of(invoke, html_hash), b"<script>alert(document.domain)</script>", "text/html")
    post_form(form_of(invoke, image_hash), b"\x89PNG\r\n\x1a\n", "image/png")
    html_url = invoke(CHECK_UPLOADED_FILE, finalize_event(html_hash))[1]["url"]
    image_url = invoke(CHECK_UPLOADED_FILE, finalize_event(image_hash))[1]["url"]
    # When the dev console's CDN stand-in serves them (as CloudFront would, with the template's policy)
    console = Console(template, FakeWallet("unused"), aws_endpoint="https://s3.us-east-1.amazonaws.com")

    def cdn(url: str) -> tuple:
        return console.dispatch("GET", "/cdn/LnuploadFilesDistribution/" + url.rsplit("/", 1)[-1], {}, b"")

    # Then the HTML is a download, the image shows inline, both with nosniff
    status, content_type, _, headers = cdn(html_url)
    assert (status, content_type, headers["X-Content-Type-Options"]) == (200, "text/html", "nosniff")
    assert headers["Content-Disposition"].startswith("attachment;")
    status, content_type, _, headers = cdn(image_url)
    assert (status, content_type, headers) == (200, "image/png", {"X-Content-Type-Options": "nosniff"})
    assert cdn("missing.html")[3] == {"X-Content-Type-Options": "nosniff"}
