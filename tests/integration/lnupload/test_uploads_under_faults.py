"""checkUploadedFile while storage or the database fail: the answer is lnupload's HTTP 200 `success: false`,
nothing is left under a name nobody has, and the client's retry uploads the file once."""

from __future__ import annotations

import pytest

from lnupload.models import InvoiceItem
from lnupload.settings import settings
from shared import storage
from tests.faults import Killed, failing, killed_after
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


def test_a_function_stopped_between_storing_and_claiming_leaves_a_retry_that_uploads_once(lnupload, invoke):
    # Given the function stopped (its timeout) right after the file was stored, before the invoice was claimed
    payment_hash = paid_invoice(invoke, lnupload)
    before = public_objects()
    with killed_after(1, "PutObject"), pytest.raises(Killed):
        invoke(CHECK_UPLOADED_FILE, upload_event(payment_hash))
    left = public_objects() - before
    assert len(left) == 1 and InvoiceItem.get(InvoiceItem.key(payment_hash)).file_key is None
    # When the client retries, Then the payment buys its one upload; the stopped attempt's object is linked nowhere
    _, body, _ = invoke(CHECK_UPLOADED_FILE, upload_event(payment_hash))
    assert body["success"] is True and stored(body["url"])[0] == JPEG
    claimed = InvoiceItem.get(InvoiceItem.key(payment_hash)).file_key
    assert claimed not in left and public_objects() - before == left | {claimed}
    assert invoke(CHECK_UPLOADED_FILE, upload_event(payment_hash))[1]["success"] is False  # used up
