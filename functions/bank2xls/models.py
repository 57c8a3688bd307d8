"""bank2xls's items: one table, keyed `pk`/`sk` by prefix, TTL on `expires_at`; each model spells its own keys.

Cookie tokens are keyed by their SHA-256: the table never holds one a browser could present.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from typing import Literal

from pynamodb.attributes import (
    BooleanAttribute,
    MapAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
)

from shared.dynamo import TableItem
from shared.timefmt import iso_millis
from shared.tokens import token_hash

Item = TableItem  # pk/sk/expires_at, table from TABLE_NAME


class SessionItem(Item):
    """pk SESSION#<sha256(cookie token)>, sk SESSION: an anonymous or signed-in browser session."""

    session_id = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()
    valid_until = UTCDateTimeAttribute()

    @staticmethod
    def key(token: str) -> tuple[str, str]:
        return f"SESSION#{token_hash(token)}", "SESSION"


class AuthItem(Item):
    """pk AUTH#<sha256(cookie token)>, sk AUTH: a signed-in session (pg1_auth)."""

    user_id = UnicodeAttribute()
    session_id = UnicodeAttribute()
    valid_until = UTCDateTimeAttribute()

    @staticmethod
    def key(token: str) -> tuple[str, str]:
        return f"AUTH#{token_hash(token)}", "AUTH"


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

    @staticmethod
    def key(user_id: str) -> tuple[str, str]:
        return f"USER#{user_id}", "PROFILE"

    @classmethod
    def of(cls, user_id: str, *, consistent_read: bool = False) -> UserItem:
        """The user's profile (DoesNotExist when there is none)."""
        return cls.get(*cls.key(user_id), consistent_read=consistent_read)


class EmailItem(Item):
    """pk EMAIL#<email>, sk USER: one account per address (created by a conditional put)."""

    user_id = UnicodeAttribute()

    @staticmethod
    def key(email: str) -> tuple[str, str]:
        return f"EMAIL#{email}", "USER"


class CustomerItem(Item):
    """pk CUSTOMER#<stripe customer id>, sk USER: whose customer a webhook is about."""

    user_id = UnicodeAttribute()

    @staticmethod
    def key(customer_id: str) -> tuple[str, str]:
        return f"CUSTOMER#{customer_id}", "USER"


class OtpItem(Item):
    """pk OTP#<email>, sk OTP: the last code sent, keyed-hashed."""

    code_hash = UnicodeAttribute()
    valid_until = UTCDateTimeAttribute()
    attempts = NumberAttribute(default=0)
    consumed = BooleanAttribute(default=False)

    @staticmethod
    def key(email: str) -> tuple[str, str]:
        return f"OTP#{email}", "OTP"


class FreeDailyItem(Item):
    """pk FREE#<session id>#<UTC date>, sk FREE: the anonymous daily credit, used once."""

    used_at = UTCDateTimeAttribute()

    @staticmethod
    def key(session_id: str, day: date) -> tuple[str, str]:
        return f"FREE#{session_id}#{day.isoformat()}", "FREE"


class ConsumeRecord(Item):
    """pk IDEMPOTENCY#<owner>#<requestId>, sk CONSUME: the first answer to a consume, replayed."""

    fingerprint = UnicodeAttribute()
    result: MapAttribute = MapAttribute()

    @staticmethod
    def key(owner: str, request_id: str) -> tuple[str, str]:
        return f"IDEMPOTENCY#{owner}#{request_id}", "CONSUME"


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

    @staticmethod
    def key(owner: str, created_at: datetime, conversion_id: str) -> tuple[str, str]:
        return f"CONVERSIONS#{owner}", f"{iso_millis(created_at)}#{conversion_id}"

    @classmethod
    def newest(cls, owner: str, limit: int) -> Iterator[ConversionItem]:
        return cls.query(f"CONVERSIONS#{owner}", scan_index_forward=False, limit=limit, consistent_read=True)


class StripeEventItem(Item):
    """pk STRIPE_EVENT#<event id>, sk EVENT: a webhook event processed once."""

    type = UnicodeAttribute()
    processed_at = UTCDateTimeAttribute()

    @staticmethod
    def key(event_id: str) -> tuple[str, str]:
        return f"STRIPE_EVENT#{event_id}", "EVENT"


class InvoiceCreditItem(Item):
    """pk STRIPE_INVOICE#<invoice id>, sk CREDITED: an invoice's credits granted once."""

    user_id = UnicodeAttribute()
    credits = NumberAttribute()

    @staticmethod
    def key(invoice_id: str) -> tuple[str, str]:
        return f"STRIPE_INVOICE#{invoice_id}", "CREDITED"


def otp_rate_key(per: Literal["email", "ip"], subject: str) -> dict[str, str]:
    """pk RATE#otp-<per>#<subject>, sk RATE: a `shared.ratelimit` counter of code requests (it appends the window)."""
    return {"pk": f"RATE#otp-{per}#{subject}", "sk": "RATE"}
