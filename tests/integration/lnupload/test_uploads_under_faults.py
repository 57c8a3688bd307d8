"""checkUploadedFile while storage or the database fail: the answer is lnupload's HTTP 200 `success: false`,
nothing is left under a name nobody has, and the client's retry uploads the file once."""

from __future__ import annotations

from lnupload.models import InvoiceItem
from lnupload.settings import settings
from shared import storage
from tests.faults import failing
from tests.integration.lnupload.conftest import CHECK_UPLOADED_FILE, paid_invoice
from tests.integration.lnupload.test_check_uploaded_file import JPEG, stored, upload_event

UNAVAILABLE = "The service is temporarily unavailable, please try again in a moment."


def public_objects() -> set[str]:
    return {item.key for item in storage.list_objects(settings().bucket_name, "public/")}


def test_a_claim_the_database_refused_leaves_no_object_and_the_retry_uploads_once(lnupload, invoke):
    # Given a paid invoice, and DynamoDB throttling the claim of its upload
    payment_hash = paid_invoice(invoke, lnupload)
    before = public_objects()
    with failing("dynamodb", "UpdateItem", "ProvisionedThroughputExceededException", 400) as refused:
        status, body, _ = invoke(CHECK_UPLOADED_FILE, upload_event(payment_hash))
    # Then lnupload's unavailable answer, and the stored object was removed again
    assert refused[0] == 1 and (status, body) == (200, {"success": False, "message": UNAVAILABLE})
    assert public_objects() == before
    # When the client retries, Then one file, the invoice's
    status, body, _ = invoke(CHECK_UPLOADED_FILE, upload_event(payment_hash))
    assert body["success"] is True and stored(body["url"])[0] == JPEG
    assert public_objects() - before == {InvoiceItem.get(InvoiceItem.key(payment_hash)).file_key}


def test_storage_failing_is_the_unavailable_answer_and_uses_nothing_up(lnupload, invoke):
    payment_hash = paid_invoice(invoke, lnupload)
    with failing("s3", "PutObject", "SlowDown", 503):
        status, body, _ = invoke(CHECK_UPLOADED_FILE, upload_event(payment_hash))
    assert (status, body) == (200, {"success": False, "message": UNAVAILABLE})
    assert invoke(CHECK_UPLOADED_FILE, upload_event(payment_hash))[1]["success"] is True
