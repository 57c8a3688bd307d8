import pytest

from cinq import codes, money
from cinq.accounts import PASSWORD_RULE
from cinq.errors import InvalidCodeFormat


def test_codes_have_the_documented_format_and_an_unambiguous_alphabet():
    for _ in range(100):
        code = codes.new_code()
        assert codes.normalize(code) == code
        assert not set(code.replace("CINQ-", "").replace("-", "")) & set("01OI")
    assert codes.prefix("CINQ-A1B2-C3D4-E5F6") == "CINQ-A1B2"


@pytest.mark.parametrize("raw", ["", None, "CINQ-A1B2-C3D4", "CINQA1B2C3D4E5F6", "CINQ-A1B2-C3D4-E5F6-G7H8", "X" * 30])
def test_malformed_codes(raw):
    with pytest.raises(InvalidCodeFormat):
        codes.normalize(raw)


def test_codes_are_read_in_any_case_and_with_spaces_around():
    assert codes.normalize("  cinq-a1b2-c3d4-e5f6 ") == "CINQ-A1B2-C3D4-E5F6"


def test_amounts_are_formatted_as_documented():
    assert money.amount(1500, "EUR").model_dump() == {"cents": 1500, "formatted": "15.00 EUR"}
    assert money.amount(5, "USD").formatted == "0.05 USD"
    from decimal import Decimal

    assert money.to_cents(Decimal("15.005")) == 1501 and money.to_cents(Decimal("15")) == 1500


@pytest.mark.parametrize(
    ("password", "ok"),
    [("SecurePass123", True), ("abcdefg1", True), ("short1", False), ("lettersonly", False), ("12345678", False)],
)
def test_password_rule(password, ok):
    assert bool(PASSWORD_RULE.fullmatch(password)) is ok
