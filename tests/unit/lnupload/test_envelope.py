from lnupload import errors
from lnupload.api import envelope, invalid_request
from shared.errors import InternalError


def test_every_failure_is_http_200_with_a_message():
    assert envelope(errors.InvoiceNotPaid()) == (200, {"success": False, "message": "Invoice not paid yet."})


def test_errors_from_outside_lnupload_never_leak_their_status_or_text():
    status, body = envelope(InternalError("boto3 said something internal"))
    assert status == 200
    assert body == {"success": False, "message": errors.Unexpected.message}


def test_validation_failures_name_what_is_missing():
    assert isinstance(invalid_request([{"loc": ("body", "payment-hash")}]), errors.MissingPaymentHash)
    assert isinstance(invalid_request([{"loc": ("header", "payment-hash")}]), errors.MissingPaymentHash)
    assert isinstance(invalid_request([{"loc": ("body", "data")}]), errors.NoFile)
    assert isinstance(invalid_request([{"loc": ("body",)}]), errors.InvalidRequest)
