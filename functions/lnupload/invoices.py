"""Lightning invoices: create one, and find out whether it has been paid."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from functools import lru_cache

from lnupload.errors import (
    InvalidPaymentHash,
    InvoiceExpired,
    InvoiceNotPaid,
    MissingPaymentHash,
    PaymentBackendUnavailable,
    UnknownInvoice,
)
from lnupload.models import InvoiceItem
from lnupload.schemas import InvoiceCreated
from lnupload.settings import settings
from shared.dynamo import applied
from shared.lightning import InvoiceNotFound, LightningClient, LightningError
from shared.observability import logger, metrics
from shared.secrets import get_secret
from shared.timefmt import iso_millis

PAYMENT_HASH = re.compile(r"[0-9a-f]{64}")
# Records of unpaid invoices outlive the invoice a little, for support; paid ones a year.
UNPAID_RETENTION = timedelta(days=30)
PAID_RETENTION = timedelta(days=365)


@lru_cache(maxsize=1)
def _wallet(url: str, api_key: str, timeout: float) -> LightningClient:
    return LightningClient(url, api_key, timeout=timeout)


def wallet() -> LightningClient:
    """One client per cold start; a rotated key (re-read every 5 minutes) gets a new one."""
    config = settings()
    api_key = get_secret(config.lightning_api_key_secret)
    return _wallet(config.lightning_api_url, api_key, config.lightning_timeout_seconds)


def create_invoice() -> InvoiceCreated:
    config = settings()
    try:
        invoice = wallet().create_invoice(config.invoice_amount_sat, config.invoice_memo, config.invoice_expiry_seconds)
    except LightningError as exc:
        logger.warning("invoice creation failed", extra={"reason": str(exc)})
        raise PaymentBackendUnavailable() from None
    now = datetime.now(UTC)
    expires = now + timedelta(seconds=config.invoice_expiry_seconds)
    item = InvoiceItem(
        InvoiceItem.key(invoice.payment_hash),
        payment_hash=invoice.payment_hash,
        payment_request=invoice.payment_request,
        amount_sat=config.invoice_amount_sat,
        created_at=now,
        invoice_expires_at=expires,
        expires_at=expires + UNPAID_RETENTION,
    )
    # A payment hash is unique per invoice; a clash would mean a broken wallet.
    if not applied(lambda: item.save(condition=InvoiceItem.pk.does_not_exist())):
        raise PaymentBackendUnavailable()
    metrics.add_metric(name="InvoicesCreated", unit="Count", value=1)
    return InvoiceCreated(
        payment_hash=invoice.payment_hash,
        payment_request=invoice.payment_request,
        date=iso_millis(now),
    )


def parse_payment_hash(value: str | None) -> str:
    if value is None or not value.strip():
        raise MissingPaymentHash()
    payment_hash = value.strip().lower()
    if not PAYMENT_HASH.fullmatch(payment_hash):
        raise InvalidPaymentHash()
    return payment_hash


def paid_invoice(payment_hash: str) -> InvoiceItem:
    """The invoice, once paid; asks the wallet until it is, then remembers."""
    try:
        item = InvoiceItem.get(InvoiceItem.key(payment_hash), consistent_read=True)
    except InvoiceItem.DoesNotExist:
        raise UnknownInvoice() from None
    if item.paid_at is not None:
        return item
    try:
        paid = wallet().is_paid(payment_hash)
    except InvoiceNotFound:
        raise UnknownInvoice() from None
    except LightningError as exc:
        logger.warning("payment status failed", extra={"reason": str(exc)})
        raise PaymentBackendUnavailable() from None
    if not paid:
        if datetime.now(UTC) >= item.invoice_expires_at:
            raise InvoiceExpired()
        raise InvoiceNotPaid()
    now = datetime.now(UTC)
    marked = applied(
        lambda: item.update(
            actions=[InvoiceItem.paid_at.set(now), InvoiceItem.expires_at.set(now + PAID_RETENTION)],
            condition=InvoiceItem.paid_at.does_not_exist(),
        )
    )
    if marked:
        metrics.add_metric(name="InvoicesPaid", unit="Count", value=1)
    else:  # another request recorded the payment first
        item.refresh(consistent_read=True)
    return item
