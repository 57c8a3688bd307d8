"""BTCPay-Sig checks: `sha256=<hex HMAC-SHA256(UTF-8 secret, raw body)>`, as BTCPay's WebhookSender signs."""

import hashlib
import hmac
import json

import pytest

from shared.btcpay import verify_signature

SECRET = "whsec-local"
BODY = b'{\n  "type": "InvoiceSettled",\n  "invoiceId": "inv_123"\n}'
# Computed outside Python: printf '<BODY>' | openssl dgst -sha256 -hmac 'whsec-local'
OPENSSL_HEX = "6cb66f96ce09528c92fc37c1b520fafe9c79edac0d3940d6495c6b9169cc2519"


def signed(body: bytes, secret: str = SECRET) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def test_a_signature_computed_by_openssl_verifies():
    # Given a body and the header openssl's HMAC gives for it
    header = f"sha256={OPENSSL_HEX}"
    # When it is checked with the same secret
    # Then it verifies
    assert verify_signature(BODY, header, SECRET) is True


def test_a_signature_over_non_ascii_bytes_verifies_against_the_raw_body_only():
    # Given a body as BTCPay writes it: indented, non-ASCII left unescaped, signed over those bytes
    raw = json.dumps({"type": "InvoiceSettled", "metadata": {"recipientName": "Jérôme"}}, indent=2, ensure_ascii=False)
    body = raw.encode()
    header = signed(body)
    # When the raw bytes are checked, and then a re-serialization of the parsed body
    reencoded = json.dumps(json.loads(body)).encode()
    # Then only the raw bytes verify
    assert verify_signature(body, header, SECRET) is True
    assert verify_signature(reencoded, header, SECRET) is False


def test_uppercase_hex_and_surrounding_spaces_are_accepted():
    # Given a valid signature written in uppercase hex, with spaces around the header value
    header = "  sha256=" + OPENSSL_HEX.upper() + " "
    # When it is checked
    # Then it verifies (hex is case-insensitive; the scheme is not)
    assert verify_signature(BODY, header, SECRET) is True


def test_a_tampered_body_does_not_verify():
    # Given the signature of the original body
    header = signed(BODY)
    # When one byte of the body changes
    tampered = BODY.replace(b"inv_123", b"inv_124")
    # Then it no longer verifies
    assert verify_signature(tampered, header, SECRET) is False


def test_a_signature_made_with_another_secret_does_not_verify():
    # Given a body signed with another webhook's secret
    header = signed(BODY, secret="someone-else")
    # When it is checked with ours
    # Then it is refused
    assert verify_signature(BODY, header, SECRET) is False


@pytest.mark.parametrize("header", [None, "", "   "])
def test_a_missing_header_does_not_verify(header):
    # Given no BTCPay-Sig header at all (or an empty one)
    # When the body is checked
    # Then it is refused
    assert verify_signature(BODY, header, SECRET) is False


@pytest.mark.parametrize(
    "header",
    [
        "sha1=" + hmac.new(SECRET.encode(), BODY, hashlib.sha1).hexdigest(),
        "sha512=" + hmac.new(SECRET.encode(), BODY, hashlib.sha512).hexdigest(),
        "SHA256=" + OPENSSL_HEX,
        OPENSSL_HEX,
        "sha256 " + OPENSSL_HEX,
        "v1=" + OPENSSL_HEX,
    ],
)
def test_other_schemes_do_not_verify(header):
    # Given the right digest (or another algorithm's) under another scheme or without one
    # When it is checked
    # Then only `sha256=` is accepted
    assert verify_signature(BODY, header, SECRET) is False


@pytest.mark.parametrize(
    "header",
    [
        "sha256=",
        "sha256=" + OPENSSL_HEX[:-2],
        "sha256=" + OPENSSL_HEX + "00",
        "sha256=" + "zz" + OPENSSL_HEX[2:],
        "sha256=" + " ".join(OPENSSL_HEX[i : i + 2] for i in range(0, 64, 2)),
        f"sha256={OPENSSL_HEX},sha256={OPENSSL_HEX}",
    ],
)
def test_malformed_digests_do_not_verify(header):
    # Given a sha256= header whose digest is empty, truncated, too long, not hex, spaced or repeated
    # When it is checked
    # Then it is refused without raising
    assert verify_signature(BODY, header, SECRET) is False


def test_an_empty_secret_never_verifies():
    # Given a body signed with an empty secret (what BTCPay does when a webhook has none)
    header = signed(BODY, secret="")
    # When it is checked with an unconfigured (empty) secret
    # Then it is refused: anyone could have computed it
    assert verify_signature(BODY, header, "") is False
