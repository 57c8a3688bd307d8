from cinq import errors
from cinq.api import envelope, invalid_request


def test_errors_use_the_documented_envelope():
    assert envelope(errors.SelfAdd()) == (
        400,
        {"success": False, "error": "Tu ne peux pas t'ajouter toi-même", "code": "SELF_ADD"},
    )
    assert envelope(errors.AlreadyRegistered()) == (
        409,
        {"success": False, "error": "Email already registered", "code": "already_registered"},
    )


def test_the_rate_limit_answer_is_exactly_the_spec_s():
    error = errors.RateLimited(headers={"Retry-After": "3600"}, retry_after=3600)
    assert envelope(error) == (
        429,
        {"success": False, "error": "Too many attempts. Please try again later.", "retryAfter": 3600},
    )


def test_validation_failures_name_the_field():
    assert isinstance(invalid_request([{"loc": ("body", "email")}]), errors.InvalidEmail)
    assert isinstance(invalid_request([{"loc": ("body", "giftCode")}]), errors.InvalidCodeFormat)
    assert isinstance(invalid_request([{"loc": ("body", "password")}]), errors.WeakPassword)
    assert isinstance(invalid_request([{"loc": ("query", "limit")}]), errors.InvalidRequest)
