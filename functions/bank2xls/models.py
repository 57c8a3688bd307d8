"""bank2xls's items: one table, keyed `pk`/`sk` by prefix, TTL on `expires_at`."""

from __future__ import annotations

from pynamodb.attributes import (
    BooleanAttribute,
    MapAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
)

from shared.dynamo import TableItem

Item = TableItem  # pk/sk/expires_at, table from TABLE_NAME


class SessionItem(Item):
    """pk SESSION#<sha256(cookie token)>, sk SESSION: an anonymous or signed-in browser session."""

    session_id = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()
    valid_until = UTCDateTimeAttribute()


class AuthItem(Item):
    """pk AUTH#<sha256(cookie token)>, sk AUTH: a signed-in session (pg1_auth)."""

    user_id = UnicodeAttribute()
    session_id = UnicodeAttribute()
    valid_until = UTCDateTimeAttribute()


class UserItem(Item):
    """pk USER#<user id>, sk PROFILE."""

    user_id = UnicodeAttribute()
    email = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()
    balance = NumberAttribute(default=0)
    balance_updated_at = UTCDateTimeAttribute(null=True)
    stripe_customer_id = UnicodeAttribute(null=True)
    subscription_id = UnicodeAttribute(null=True)
    subscription_status = UnicodeAttribute(null=True)
    plan_id = UnicodeAttribute(null=True)
    next_invoice_at = UTCDateTimeAttribute(null=True)
    # Cancelled at period end (in the billing portal): when the subscription stops.
    subscription_ends_at = UTCDateTimeAttribute(null=True)
    # `created` of the last subscription event applied: older events arriving late change nothing.
    subscription_event_at = NumberAttribute(null=True)


class EmailItem(Item):
    """pk EMAIL#<email>, sk USER: one account per address (created by a conditional put)."""

    user_id = UnicodeAttribute()


class CustomerItem(Item):
    """pk CUSTOMER#<stripe customer id>, sk USER: whose customer a webhook is about."""

    user_id = UnicodeAttribute()


class OtpItem(Item):
    """pk OTP#<email>, sk OTP: the last code sent, keyed-hashed."""

    code_hash = UnicodeAttribute()
    valid_until = UTCDateTimeAttribute()
    attempts = NumberAttribute(default=0)
    consumed = BooleanAttribute(default=False)


class FreeDailyItem(Item):
    """pk FREE#<session id>#<UTC date>, sk FREE: the anonymous daily credit, used once."""

    used_at = UTCDateTimeAttribute()


class ConsumeRecord(Item):
    """pk IDEMPOTENCY#<owner>#<requestId>, sk CONSUME: the first answer to a consume, replayed."""

    fingerprint = UnicodeAttribute()
    result: MapAttribute = MapAttribute()


class ConversionItem(Item):
    """pk CONVERSIONS#<user id or session id>, sk <ISO time>#<conversion id>: newest first by query."""

    conversion_id = UnicodeAttribute()
    user_id = UnicodeAttribute(null=True)
    session_id = UnicodeAttribute()
    type = UnicodeAttribute()
    cost = NumberAttribute()
    status = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()
    metadata: MapAttribute = MapAttribute(null=True)


class StripeEventItem(Item):
    """pk STRIPE_EVENT#<event id>, sk EVENT: a webhook event processed once."""

    type = UnicodeAttribute()
    processed_at = UTCDateTimeAttribute()


class InvoiceCreditItem(Item):
    """pk STRIPE_INVOICE#<invoice id>, sk CREDITED: an invoice's credits granted once."""

    user_id = UnicodeAttribute()
    credits = NumberAttribute()
