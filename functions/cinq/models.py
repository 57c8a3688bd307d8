"""cinq's items: one table keyed `pk`/`sk` by prefix, TTL on `expires_at`."""

from __future__ import annotations

from pynamodb.attributes import (
    BooleanAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
)

from shared.dynamo import TableItem

Item = TableItem  # pk/sk/expires_at, table from TABLE_NAME


class WaitlistEntry(Item):
    """pk WAITLIST#<email>, sk ENTRY."""

    email = UnicodeAttribute()
    referrer = UnicodeAttribute(null=True)
    utm_source = UnicodeAttribute(null=True)
    utm_medium = UnicodeAttribute(null=True)
    utm_campaign = UnicodeAttribute(null=True)
    created_at = UTCDateTimeAttribute()


class Counter(Item):
    """pk COUNTER#<name>[#<shard>], sk COUNT: grown in the same transaction as what it counts (waitlist: sharded)."""

    value = NumberAttribute(default=0)


class GiftCode(Item):
    """pk GIFT#<HMAC of the code>, sk CODE. The code itself is never stored."""

    gift_id = UnicodeAttribute()
    prefix = UnicodeAttribute()
    amount_cents = NumberAttribute()
    currency = UnicodeAttribute()
    status = UnicodeAttribute()  # active | redeemed | revoked (expired is derived from valid_until)
    valid_until = UTCDateTimeAttribute()
    created_at = UTCDateTimeAttribute()
    source = UnicodeAttribute()  # admin | stripe | btcpay
    purchaser_email = UnicodeAttribute(null=True)
    purchaser_name = UnicodeAttribute(null=True)
    purchase_order_id = UnicodeAttribute(null=True)
    recipient_email = UnicodeAttribute(null=True)
    recipient_name = UnicodeAttribute(null=True)
    gift_message = UnicodeAttribute(null=True)
    redemption_id = UnicodeAttribute(null=True)
    redeemed_at = UTCDateTimeAttribute(null=True)
    redeemed_email = UnicodeAttribute(null=True)
    redeemed_order_id = UnicodeAttribute(null=True)
    account_id = UnicodeAttribute(null=True)  # the account this code opened


class PaymentRecord(Item):
    """pk PAYMENT#<provider>#<id>, sk GIFT: one gift code per paid invoice or checkout session; the event that
    minted it (Stripe's event id, BTCPay's original delivery id) and when its mail was accepted."""

    gift_id = UnicodeAttribute()
    event_key = UnicodeAttribute(null=True)
    mailed_at = UTCDateTimeAttribute(null=True)


class User(Item):
    """pk USER#<id>, sk PROFILE."""

    user_id = UnicodeAttribute()
    email = UnicodeAttribute()
    password_hash = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()
    contact_count = NumberAttribute(default=0)
    message_count = NumberAttribute(default=0)  # sent (and, before, received: see Unread)


class EmailOwner(Item):
    """pk EMAIL#<email>, sk USER: one account per address."""

    user_id = UnicodeAttribute()


class RefreshToken(Item):
    """pk REFRESH#<sha256 of the token>, sk TOKEN."""

    user_id = UnicodeAttribute()
    valid_until = UTCDateTimeAttribute()


class Contact(Item):
    """pk USER#<owner id>, sk CONTACT#<contact's user id>."""

    contact_id = UnicodeAttribute()
    owner_id = UnicodeAttribute()
    user_id = UnicodeAttribute()
    email = UnicodeAttribute()
    added_at = UTCDateTimeAttribute()


class Message(Item):
    """pk CONVERSATION#<lower user id>#<higher user id>, sk <ISO time>#<message id>."""

    message_id = UnicodeAttribute()
    sender_id = UnicodeAttribute()
    receiver_id = UnicodeAttribute()
    content = UnicodeAttribute()
    is_ping = BooleanAttribute(default=False)
    created_at = UTCDateTimeAttribute()


class Unread(Item):
    """pk USER#<reader id>, sk UNREAD#<sender id>: messages from one sender, not read yet (`value`) and in all.

    `received` counts them since it exists: before, each message also went to the reader's `message_count`,
    which now counts what the user sent, so the sum of the two is every message sent or received either way.
    """

    value = NumberAttribute(default=0)
    received = NumberAttribute(null=True)
