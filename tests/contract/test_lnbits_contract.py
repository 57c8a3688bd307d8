"""The project's Lightning client against a real LNbits 1.6.2 (FakeWallet backend)."""

import secrets

import bolt11
import pytest

from shared.lightning import InvoiceNotFound, LightningClient, LightningError
from tools.lnbits_real import LnbitsHandle

pytestmark = pytest.mark.contract


@pytest.fixture
def client(lnbits: LnbitsHandle) -> LightningClient:
    return LightningClient(base_url=lnbits.base_url, api_key=lnbits.inkey, timeout=10)


def test_create_invoice_returns_real_bolt11(client: LightningClient) -> None:
    # Given a receiving wallet's invoice key
    # When a 100 sat invoice is created
    inv = client.create_invoice(amount_sat=100, memo="100", expiry_seconds=172800)

    # Then its payment request is a signed BOLT11 for that hash and amount
    decoded = bolt11.decode(inv.payment_request)
    assert decoded.payment_hash == inv.payment_hash
    assert decoded.amount_msat == 100_000
    assert decoded.description == "100"


def test_new_invoice_is_not_paid(client: LightningClient) -> None:
    # Given a fresh invoice
    inv = client.create_invoice(amount_sat=100, memo="100", expiry_seconds=172800)

    # When its status is checked / Then it is unpaid
    assert client.is_paid(inv.payment_hash) is False


def test_invoice_is_paid_after_payment(client: LightningClient, lnbits: LnbitsHandle) -> None:
    # Given an invoice
    inv = client.create_invoice(amount_sat=100, memo="100", expiry_seconds=172800)

    # When another wallet pays it
    lnbits.pay(inv.payment_request)

    # Then the client reports it paid
    assert client.is_paid(inv.payment_hash) is True


def test_unknown_hash_raises_invoice_not_found(client: LightningClient) -> None:
    # Given a payment hash the wallet never issued
    unknown = secrets.token_hex(32)

    # When its status is checked / Then InvoiceNotFound is raised
    with pytest.raises(InvoiceNotFound):
        client.is_paid(unknown)


def test_wrong_api_key_on_create_raises_lightning_error(lnbits: LnbitsHandle) -> None:
    # Given a client with a key LNbits does not know
    bad = LightningClient(base_url=lnbits.base_url, api_key=secrets.token_hex(16), timeout=10)

    # When an invoice is created / Then LightningError is raised
    with pytest.raises(LightningError):
        bad.create_invoice(amount_sat=100, memo="100", expiry_seconds=172800)
