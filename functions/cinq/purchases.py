"""Gift codes bought elsewhere: a Stripe checkout or a settled BTCPay invoice creates one code, once.

The buyer receives the code by e-mail; it is never stored (only its keyed hash is). It is derived from the
payment's id with the gift pepper (`codes.for_payment`), so the webhook can always mail it again:

- minted once: the code and the payment's record in one conditional transaction;
- mailed at least once: the webhook answers 2xx only after SES accepted the mail (a failure is the 503 in the
  envelope, and Stripe or BTCPay delivers the event again); the record then notes `mailed_at`;
- re-sent on demand: a redelivery of the event that minted the code (Stripe's "Resend", BTCPay's
  "Redeliver") mails it again, as does any event of that payment while no mail was accepted. The other
  events of the same payment (BTCPay's InvoicePaymentSettled and InvoiceSettled) mail it once.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from pydantic import ValidationError
from pynamodb.exceptions import TransactWriteError
from pynamodb.transactions import TransactWrite

from cinq import codes, gifts, money
from cinq.errors import InvalidRequest, InvalidSignature, InvoiceNotSettled, PaymentProviderError
from cinq.models import GiftCode, PaymentRecord
from cinq.schemas import (
    BtcpayAcknowledged,
    BtcpayAlreadyProcessed,
    BtcpayEvent,
    BtcpayGift,
    BtcpayGiftCreated,
    BtcpayOutcome,
    EventAcknowledged,
    GiftCreated,
)
from cinq.settings import settings
from shared import body
from shared.btcpay import BtcpayClient, BtcpayError, BtcpayInvoiceNotFound, verify_signature
from shared.dynamo import connection, failed_conditions
from shared.mail import send_mail
from shared.observability import logger, metrics
from shared.secrets import get_secret
from shared.stripe_billing import InvalidStripeSignature, verify_event
from shared.timefmt import iso_millis as iso

GIFT_EVENTS = ("InvoiceSettled", "InvoicePaymentSettled")
DEFAULT_EXPIRY_DAYS = 365


def stripe_checkout(payload: str, signature: str) -> GiftCreated | EventAcknowledged:
    """A paid checkout session's gift code; other events, unpaid sessions and replays are only acknowledged.

    Codes exist only "après paiement confirmé": a completed session whose payment is
    still pending (`payment_status` "unpaid", e.g. SEPA debit) mints nothing; its
    `checkout.session.async_payment_succeeded` does, later. Either way once per session id.
    """
    try:
        event = verify_event(payload, signature, get_secret(settings().stripe_webhook_secret_secret))
    except InvalidStripeSignature:
        raise InvalidSignature() from None
    session = (event.get("data") or {}).get("object") or {}
    if not _paid(event.get("type"), session):
        return EventAcknowledged()
    buyer = (session.get("customer_details") or {}).get("email") or session.get("customer_email")
    created = _create_once(
        ("stripe", session["id"]),
        str(event.get("id") or ""),
        amount_cents=int(session.get("amount_total") or 0),
        currency=str(session.get("currency") or "").upper(),
        purchaser_email=buyer,
        purchase_order_id=session["id"],
        source="stripe",
    )
    if created is None:
        return EventAcknowledged()
    code, gift = created
    return GiftCreated(code=code, gift_code=gifts.summary(gift))


def _paid(kind: object, session: dict[str, Any]) -> bool:
    if kind == "checkout.session.async_payment_succeeded":
        return True
    return kind == "checkout.session.completed" and session.get("payment_status") == "paid"


def btcpay_event(raw_body: bytes, signature: str | None, request_id: str) -> BtcpayOutcome:
    """What a signed delivery did; `request_id` names this request in the answer (BTCPay logs it)."""
    config = settings()
    if not verify_signature(raw_body, signature, get_secret(config.btcpay_webhook_secret_secret)):
        raise InvalidSignature()
    event = _btcpay_event(raw_body)
    if event.type not in GIFT_EVENTS:
        return BtcpayAcknowledged(requestId=request_id, type=event.type)
    invoice_id, store_id = event.invoiceId, event.storeId
    if not invoice_id or not store_id:
        raise InvalidRequest("Invalid BTCPay payload")
    client = BtcpayClient(config.btcpay_url, get_secret(config.btcpay_api_key_secret))
    try:
        invoice = client.get_invoice(store_id, invoice_id)  # the amount comes from BTCPay, not the payload
    except BtcpayInvoiceNotFound:
        raise InvalidRequest("Unknown BTCPay invoice") from None
    except BtcpayError as exc:
        logger.warning("btcpay unavailable", extra={"error": str(exc)})
        raise PaymentProviderError() from None
    if invoice.status != "Settled":
        raise InvoiceNotSettled()
    metadata = {**(event.metadata or {}), **(invoice.metadata or {})}
    created = _create_once(
        ("btcpay", invoice_id),
        event.originalDeliveryId or event.deliveryId or "",
        amount_cents=_cents(invoice.amount),
        currency=invoice.currency.upper(),
        purchaser_email=metadata.get("buyerEmail"),
        purchaser_name=metadata.get("buyerName"),
        recipient_name=metadata.get("recipientName"),
        purchase_order_id=metadata.get("orderId") or invoice_id,
        source="btcpay",
    )
    if created is None:
        return BtcpayAlreadyProcessed(requestId=request_id, invoiceId=invoice_id)
    _, gift = created
    amount = money.amount(int(gift.amount_cents), gift.currency)
    bought = BtcpayGift(id=gift.gift_id, prefix=gift.prefix, amount=amount, expiresAt=iso(gift.valid_until))
    return BtcpayGiftCreated(requestId=request_id, invoiceId=invoice_id, giftCode=bought)


def _create_once(payment: tuple[str, str], event_key: str, **fields: Any) -> tuple[str, GiftCode] | None:
    """The payment's gift code (`payment`: provider, id), minted with its payment record in one transaction
    (None when it already was), and mailed to the buyer when it must be (module docstring)."""
    if fields["currency"] not in money.CURRENCIES or not 1 <= fields["amount_cents"] <= 50_000:
        raise InvalidRequest("Unsupported gift amount or currency")
    code, gift = gifts.draft(expires_days=DEFAULT_EXPIRY_DAYS, code=codes.for_payment(*payment), **fields)
    record = PaymentRecord.new(*payment, gift_id=gift.gift_id)
    record.event_key = event_key or None
    try:
        with TransactWrite(connection=connection()) as transaction:
            transaction.save(record, condition=PaymentRecord.pk.does_not_exist())
            transaction.save(gift, condition=GiftCode.pk.does_not_exist())
    except TransactWriteError as exc:
        failed = failed_conditions(exc, 2)
        if failed is None or not failed[0]:
            raise
        _mail_again(payment, event_key, code)
        return None
    metrics.add_metric(name="GiftCodesCreated", unit="Count", value=1)
    if gift.purchaser_email:
        _mail_code(gift.purchaser_email, code, gift)
        _mailed(record)
    return code, gift


def _mail_again(payment: tuple[str, str], event_key: str, code: str) -> None:
    """A payment already minted: mail its code again if no mail was accepted yet, or if this is a redelivery of
    the event that minted it (someone asked for it)."""
    record = PaymentRecord.get(*PaymentRecord.key(*payment), consistent_read=True)
    if record.mailed_at is not None and (not event_key or event_key != record.event_key):
        return
    try:
        gift = GiftCode.find(codes.digest(code))
    except GiftCode.DoesNotExist:
        return  # minted by an earlier code scheme: nothing to derive from
    if gift.purchaser_email:
        _mail_code(gift.purchaser_email, code, gift)
        _mailed(record)


def _mailed(record: PaymentRecord) -> None:
    record.update(actions=[PaymentRecord.mailed_at.set(datetime.now(UTC))])


def _mail_code(to: str, code: str, gift: GiftCode) -> None:
    amount = money.amount(int(gift.amount_cents), gift.currency).formatted
    text = (
        f"Merci pour votre achat !\n\nVotre code cadeau Cinq ({amount}) : {code}\n\n"
        f"Il est valable jusqu'au {gift.valid_until:%d/%m/%Y}. Gardez-le précieusement : "
        "il ne pourra pas être affiché de nouveau.\n"
    )
    html = (
        f"<p>Merci pour votre achat !</p><p>Votre code cadeau Cinq ({amount}) : <strong>{code}</strong></p>"
        f"<p>Il est valable jusqu'au {gift.valid_until:%d/%m/%Y}. Gardez-le précieusement : "
        "il ne pourra pas être affiché de nouveau.</p>"
    )
    # A failure is the webhook's 503 (shared.outages): the provider delivers the event again, which mails again.
    send_mail(settings().mail_sender, to, "Votre code cadeau Cinq", text, html)
    logger.info("gift code mailed", extra={"prefix": codes.prefix(code)})


def _cents(amount: Decimal) -> int:
    try:
        return money.to_cents(amount)
    except (InvalidOperation, TypeError):
        raise InvalidRequest("Invalid amount") from None


def _btcpay_event(raw: bytes) -> BtcpayEvent:
    value = body.parse_json(raw)
    if not isinstance(value, dict):
        raise InvalidRequest("Invalid JSON payload")
    try:
        return BtcpayEvent.model_validate(value)
    except ValidationError:
        raise InvalidRequest("Invalid BTCPay payload") from None
