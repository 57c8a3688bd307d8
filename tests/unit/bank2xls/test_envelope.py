from bank2xls import errors
from bank2xls.api import envelope, invalid_request
from bank2xls.schemas import ConsumeRequest
from shared.errors import InternalError


def test_errors_use_the_documented_envelope_and_status():
    assert envelope(errors.OtpExpired()) == (400, {"error": {"code": "OTP_EXPIRED", "message": "Code OTP expiré"}})
    assert envelope(errors.InsufficientFunds())[0] == 402
    assert envelope(errors.OtpRateLimited())[0] == 429
    assert envelope(errors.Forbidden()) == (401, {"error": {"code": "FORBIDDEN", "message": "Accès refusé"}})


def test_foreign_errors_become_internal_error_without_their_text():
    status, body = envelope(InternalError("DynamoDB said: table xyz"))
    assert status == 500 and body == {"error": {"code": "INTERNAL_ERROR", "message": "Erreur interne"}}


def test_validation_failures_map_to_the_field_s_error():
    assert isinstance(invalid_request([{"loc": ("body", "email")}]), errors.InvalidEmail)
    assert invalid_request([{"loc": ("body", "amount")}]).text == "Le montant doit être un entier positif"
    assert isinstance(invalid_request([{"loc": ("body",)}]), errors.InvalidRequest)


def test_conversion_metadata_comes_from_the_body_or_metadata():
    assert ConsumeRequest().conversion_metadata() is None
    body = ConsumeRequest(fileName="a.pdf", metadata={"fileSize": 10, "processingTime": 2.5})
    assert body.conversion_metadata() == {"fileName": "a.pdf", "fileSize": 10, "processingTime": 2.5}
    assert ConsumeRequest().amount == 1 and ConsumeRequest().reason == "bank2xls_conversion"


def test_processing_time_is_kept_to_the_millisecond_so_dynamodb_can_store_it():
    assert ConsumeRequest(processingTime=2.5965244401640344e-159).conversion_metadata() == {"processingTime": 0.0}
    assert ConsumeRequest(metadata={"processingTime": 2.34567}).conversion_metadata() == {"processingTime": 2.346}
