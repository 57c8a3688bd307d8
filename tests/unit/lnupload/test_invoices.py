import pytest

from lnupload.errors import InvalidPaymentHash, MissingPaymentHash
from lnupload.invoices import parse_payment_hash

HASH = "3420d22193623050d540982b36e18448ec7586646bef5d293ec11b90223bb348"


def test_accepts_the_spec_example_and_normalises_case_and_spaces():
    assert parse_payment_hash(HASH) == HASH
    assert parse_payment_hash(f"  {HASH.upper()} ") == HASH


@pytest.mark.parametrize("value", [None, "", "   "])
def test_missing(value):
    with pytest.raises(MissingPaymentHash):
        parse_payment_hash(value)


@pytest.mark.parametrize("value", [HASH[:-1], HASH + "0", "g" * 64, "../" + HASH[3:], HASH[:32] + "/" + HASH[33:]])
def test_malformed(value):
    with pytest.raises(InvalidPaymentHash):
        parse_payment_hash(value)
