"""Stripe webhooks: verified, then applied exactly once per event id.

Each event is recorded in the same DynamoDB transaction as its effect, so a
redelivered event changes nothing, and an invoice's credits are granted once
even when Stripe sends it under two event types.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from pynamodb.exceptions import TransactWriteError
from pynamodb.expressions.update import Action
from pynamodb.transactions import TransactWrite

from bank2xls import billing
from bank2xls.errors import InvalidSignature
from bank2xls.models import CustomerItem, InvoiceCreditItem, StripeEventItem, UserItem
from bank2xls.settings import settings
from shared.dynamo import connection, failed_conditions
from shared.observability import logger, metrics
from shared.secrets import get_secret
from shared.stripe_billing import InvalidStripeSignature, verify_event

Effect = Callable[[TransactWrite], None]
PROCESSED = {"status": "processed"}


def receive(payload: str, signature: str | None) -> dict[str, str]:
    try:
        event = verify_event(payload, signature, get_secret(settings().stripe_webhook_secret_secret))
    except InvalidStripeSignature as exc:
        logger.warning("stripe webhook refused", extra={"reason": str(exc)})
        raise InvalidSignature() from None
    handler = HANDLERS.get(event.get("type", ""), _acknowledge)
    handler(event)
    return PROCESSED


def _checkout_completed(event: dict[str, Any]) -> None:
    session = event["data"]["object"]
    user_id = session.get("client_reference_id") or (session.get("metadata") or {}).get("userId")
    customer = session.get("customer")
    if not user_id or not customer or not _user_exists(user_id):
        return _acknowledge(event)
    user = UserItem(*UserItem.key(user_id))
    actions: list[Action] = [UserItem.stripe_customer_id.set(customer)]
    if session.get("subscription"):
        actions.append(UserItem.subscription_id.set(session["subscription"]))
    if plan_id := (session.get("metadata") or {}).get("planId"):
        actions.append(UserItem.plan_id.set(plan_id))

    def effect(transaction: TransactWrite) -> None:
        transaction.save(CustomerItem(*CustomerItem.key(customer), user_id=user_id))
        transaction.update(user, actions=actions)

    _once(event, effect)


def _invoice_paid(event: dict[str, Any]) -> None:
    invoice = event["data"]["object"]
    user_id = _user_of_customer(invoice.get("customer"))
    subscription_id = invoice.get("subscription") or _nested_subscription(invoice)
    if user_id is None or not subscription_id:
        return _acknowledge(event)
    subscription = billing.subscription(subscription_id)  # Stripe unavailable: 502, and Stripe delivers it again
    plan_id = (subscription.get("metadata") or {}).get("planId")
    if plan_id not in settings().plans:
        logger.warning("paid invoice for an unknown plan", extra={"invoice": invoice.get("id")})
        return _acknowledge(event)
    credits = settings().plans[plan_id].credits
    user = UserItem(*UserItem.key(user_id))
    # The subscription was just read from Stripe: its state is current, whatever order the events arrive in.
    state = _subscription_state(subscription, ended=subscription.get("status") == "canceled")
    grant = InvoiceCreditItem(*InvoiceCreditItem.key(invoice["id"]), user_id=user_id, credits=credits)

    def effect(transaction: TransactWrite) -> None:
        transaction.save(grant, condition=InvoiceCreditItem.pk.does_not_exist())
        transaction.update(
            user,
            actions=[
                UserItem.balance.add(credits),
                UserItem.balance_updated_at.set(datetime.now(UTC)),
                UserItem.plan_id.set(plan_id),
                UserItem.subscription_id.set(subscription_id),
                *state,
            ],
            condition=UserItem.pk.exists(),
        )

    if _once(event, effect):
        metrics.add_metric(name="CreditsGranted", unit="Count", value=credits)


def _subscription_changed(event: dict[str, Any]) -> None:
    subscription = event["data"]["object"]
    user_id = _user_of_customer(subscription.get("customer"))
    if user_id is None:
        return _acknowledge(event)
    ended = event["type"] == "customer.subscription.deleted" or subscription.get("status") == "canceled"
    created = int(event.get("created") or 0)
    actions: list[Action] = [
        UserItem.subscription_id.set(subscription["id"]),
        UserItem.subscription_event_at.set(created),
        *_subscription_state(subscription, ended),
    ]
    if plan_id := (subscription.get("metadata") or {}).get("planId"):
        actions.append(UserItem.plan_id.set(plan_id))
    user = UserItem(*UserItem.key(user_id))

    def effect(transaction: TransactWrite) -> None:
        # Events can arrive out of order: an older one never overwrites a newer state.
        transaction.update(
            user,
            actions=actions,
            condition=UserItem.subscription_event_at.does_not_exist() | (UserItem.subscription_event_at <= created),
        )

    _once(event, effect)


def _subscription_state(subscription: dict[str, Any], ended: bool) -> list[Action]:
    """Status and next invoice date; a subscription set to cancel at period end has no next invoice but an end."""
    cancelling = not ended and bool(subscription.get("cancel_at_period_end"))
    renews = not ended and not cancelling
    period_end = subscription.get("current_period_end") or _item_period_end(subscription)
    ends_at = (subscription.get("cancel_at") or period_end) if cancelling else None
    return [
        UserItem.subscription_status.set("canceled" if ended else str(subscription.get("status"))),
        UserItem.next_invoice_at.set(datetime.fromtimestamp(period_end, UTC))
        if renews and period_end
        else UserItem.next_invoice_at.remove(),
        UserItem.subscription_ends_at.set(datetime.fromtimestamp(ends_at, UTC))
        if ends_at
        else UserItem.subscription_ends_at.remove(),
    ]


def _acknowledge(event: dict[str, Any]) -> None:
    _once(event, lambda transaction: None)


def _once(event: dict[str, Any], effect: Effect) -> bool:
    """Apply `effect` with the event's record; False if the event was seen before or its effect no longer applies."""
    record = StripeEventItem(*StripeEventItem.key(event["id"]), type=event.get("type", ""))
    record.processed_at = datetime.now(UTC)
    try:
        with TransactWrite(connection=connection()) as transaction:
            transaction.save(record, condition=StripeEventItem.pk.does_not_exist())
            effect(transaction)
    except TransactWriteError as exc:
        failed = failed_conditions(exc, 1)
        if failed is None:
            raise
        if failed[0]:
            logger.info("stripe event replayed", extra={"event_id": event["id"]})
            return False
        # The effect's own condition failed (invoice already credited, newer state kept): record the event only.
        _once(event, lambda transaction: None)
        return False
    return True


def _user_exists(user_id: str) -> bool:
    try:
        UserItem.of(user_id)
    except UserItem.DoesNotExist:
        return False
    return True


def _user_of_customer(customer: str | None) -> str | None:
    if not customer:
        return None
    try:
        return str(CustomerItem.get(*CustomerItem.key(customer)).user_id)
    except CustomerItem.DoesNotExist:
        return None


def _nested_subscription(invoice: dict[str, Any]) -> str | None:
    """Newer API versions moved the subscription under parent.subscription_details."""
    details = (invoice.get("parent") or {}).get("subscription_details") or {}
    return details.get("subscription")


def _item_period_end(subscription: dict[str, Any]) -> int | None:
    """Newer API versions keep current_period_end on the subscription's items."""
    items = (subscription.get("items") or {}).get("data") or []
    return items[0].get("current_period_end") if items else None


HANDLERS: dict[str, Callable[[dict[str, Any]], None]] = {
    "checkout.session.completed": _checkout_completed,
    "invoice.paid": _invoice_paid,
    "customer.subscription.created": _subscription_changed,
    "customer.subscription.updated": _subscription_changed,
    "customer.subscription.deleted": _subscription_changed,
}
