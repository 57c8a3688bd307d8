"""invoice_api's refusals: `{"message", "status", "data": []}`, `errors` only where fields were refused."""

from invoice_api import errors
from invoice_api.api import KNOWN_PATH, envelope, field_errors
from shared.errors import InternalError


def test_the_documented_refusals():
    assert envelope(errors.NotAuthorized()) == (403, {"message": "Not Authorized", "status": 403, "data": []})
    assert envelope(errors.Unauthenticated()) == (401, {"message": "Unauthenticated.", "status": 401, "data": []})
    assert envelope(errors.UserNotFound()) == (404, {"message": "User not found", "status": 404, "data": []})
    assert envelope(errors.InvalidFilter()) == (400, {"message": "Invalid filter", "status": 400, "data": []})
    assert envelope(errors.InvoiceNotDeleted()) == (400, {"message": "Invoice not deleted", "status": 400, "data": []})


def test_field_errors_are_added_after_the_documented_keys():
    status, body = envelope(errors.InvoiceNotCreated(errors={"value": ["bad"]}))
    assert status == 400
    assert list(body.items()) == [
        ("message", "Invoice not created"),
        ("status", 400),
        ("data", []),
        ("errors", {"value": ["bad"]}),
    ]


def test_errors_from_elsewhere_never_leak_their_text():
    assert envelope(InternalError("boto3 said something")) == (
        500,
        {"message": "Server Error", "status": 500, "data": []},
    )


def test_validation_problems_become_laravel_style_field_messages():
    problems = [
        {"loc": ("body", "user_id"), "type": "missing"},
        {"loc": ("body", "value"), "type": "value_error"},
        {"loc": ("body", "value"), "type": "decimal_parsing"},
        {"loc": ("path", "invoice_id"), "type": "int_parsing"},
        {"loc": ("body", 12), "type": "json_invalid"},
    ]
    assert field_errors(problems) == {
        "user_id": ["The user_id field is required."],
        "value": ["The value field must be a number greater than 0 with at most two decimals."],
        "invoice_id": ["The invoice_id must be an integer."],
        "body": ["The body must be a JSON object with user_id, type, paid and value."],
    }


def test_documented_paths_are_known_to_the_default_route():
    for path in ("/api/v1/login", "/api/v1/users", "/api/v1/users/7", "/api/v1/invoices", "/api/v1/invoices/x"):
        assert KNOWN_PATH.fullmatch(path), path
    for path in ("/api/v1/customers", "/api/v1/invoices/1/items", "/api/v2/invoices", "/"):
        assert not KNOWN_PATH.fullmatch(path), path
