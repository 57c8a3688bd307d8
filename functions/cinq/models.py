"""cinq's items: one table keyed `pk`/`sk` by prefix, TTL on `expires_at`.

Each model spells its own keys (`key`) and builds, reads and queries its items by what they are about (a user id,
an address, a code's digest): no other module of cinq writes a key prefix.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Self

from pynamodb.attributes import (
    BooleanAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
)

from shared.dynamo import TableItem
from shared.timefmt import iso_millis

Item = TableItem  # pk/sk/expires_at, table from TABLE_NAME


def _user_partition(user_id: str) -> str:
    """A user's profile, contacts and unread counters share one partition: one query reads a kind of them."""
    return f"USER#{user_id}"


class WaitlistEntry(Item):
    """pk WAITLIST#<email>, sk ENTRY."""

    email = UnicodeAttribute()
    referrer = UnicodeAttribute(null=True)
    utm_source = UnicodeAttribute(null=True)
    utm_medium = UnicodeAttribute(null=True)
    utm_campaign = UnicodeAttribute(null=True)
    created_at = UTCDateTimeAttribute()

    @staticmethod
    def key(email: str) -> tuple[str, str]:
        return f"WAITLIST#{email}", "ENTRY"

    @classmethod
    def new(
        cls,
        email: str,
        created_at: datetime,
        *,
        referrer: str | None = None,
        utm_source: str | None = None,
        utm_medium: str | None = None,
        utm_campaign: str | None = None,
    ) -> Self:
        return cls(
            *cls.key(email),
            email=email,
            created_at=created_at,
            referrer=referrer,
            utm_source=utm_source,
            utm_medium=utm_medium,
            utm_campaign=utm_campaign,
        )


class Counter(Item):
    """pk COUNTER#<name>[#<shard>], sk COUNT: grown in the same transaction as what it counts (waitlist: sharded)."""

    value = NumberAttribute(default=0)

    @staticmethod
    def key(name: str, shard: int | None = None) -> tuple[str, str]:
        return (f"COUNTER#{name}" if shard is None else f"COUNTER#{name}#{shard:02d}"), "COUNT"

    @classmethod
    def ref(cls, name: str, shard: int | None = None) -> Self:
        """The counter as a target for an update (not read)."""
        return cls(*cls.key(name, shard))


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

    @staticmethod
    def key(digest: str) -> tuple[str, str]:
        """`digest`: the code's keyed hash (`cinq.codes.digest`)."""
        return f"GIFT#{digest}", "CODE"

    @classmethod
    def find(cls, digest: str) -> Self:
        return cls.get(*cls.key(digest), consistent_read=True)


class PaymentRecord(Item):
    """pk PAYMENT#<provider>#<id>, sk GIFT: one gift code per paid invoice or checkout session; the event that
    minted it (Stripe's event id, BTCPay's original delivery id) and when its mail was accepted."""

    gift_id = UnicodeAttribute()
    event_key = UnicodeAttribute(null=True)
    mailed_at = UTCDateTimeAttribute(null=True)

    @staticmethod
    def key(provider: str, payment_id: str) -> tuple[str, str]:
        return f"PAYMENT#{provider}#{payment_id}", "GIFT"

    @classmethod
    def new(cls, provider: str, payment_id: str, gift_id: str) -> Self:
        return cls(*cls.key(provider, payment_id), gift_id=gift_id)


class User(Item):
    """pk USER#<id>, sk PROFILE."""

    user_id = UnicodeAttribute()
    email = UnicodeAttribute()
    password_hash = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()
    contact_count = NumberAttribute(default=0)
    message_count = NumberAttribute(default=0)  # sent (and, before, received: see Unread)

    @staticmethod
    def key(user_id: str) -> tuple[str, str]:
        return _user_partition(user_id), "PROFILE"

    @classmethod
    def new(cls, user_id: str, email: str, password_hash: str, created_at: datetime) -> Self:
        return cls(*cls.key(user_id), user_id=user_id, email=email, password_hash=password_hash, created_at=created_at)

    @classmethod
    def ref(cls, user_id: str) -> Self:
        """The profile as a target for an update (not read)."""
        return cls(*cls.key(user_id))

    @classmethod
    def get_profile(cls, user_id: str) -> Self:
        return cls.get(*cls.key(user_id), consistent_read=True)


class EmailOwner(Item):
    """pk EMAIL#<email>, sk USER: one account per address."""

    user_id = UnicodeAttribute()

    @staticmethod
    def key(email: str) -> tuple[str, str]:
        return f"EMAIL#{email}", "USER"

    @classmethod
    def new(cls, email: str, user_id: str) -> Self:
        return cls(*cls.key(email), user_id=user_id)

    @classmethod
    def find(cls, email: str) -> Self:
        return cls.get(*cls.key(email), consistent_read=True)


class RefreshToken(Item):
    """pk REFRESH#<sha256 of the token>, sk TOKEN."""

    user_id = UnicodeAttribute()
    valid_until = UTCDateTimeAttribute()

    @staticmethod
    def key(digest: str) -> tuple[str, str]:
        return f"REFRESH#{digest}", "TOKEN"

    @classmethod
    def new(cls, digest: str, user_id: str, valid_until: datetime) -> Self:
        return cls(*cls.key(digest), user_id=user_id, valid_until=valid_until, expires_at=valid_until)


class Contact(Item):
    """pk USER#<owner id>, sk CONTACT#<contact's user id>."""

    contact_id = UnicodeAttribute()
    owner_id = UnicodeAttribute()
    user_id = UnicodeAttribute()
    email = UnicodeAttribute()
    added_at = UTCDateTimeAttribute()

    @staticmethod
    def key(owner_id: str, user_id: str) -> tuple[str, str]:
        return _user_partition(owner_id), f"CONTACT#{user_id}"

    @classmethod
    def new(cls, owner_id: str, user_id: str, *, contact_id: str, email: str, added_at: datetime) -> Self:
        return cls(
            *cls.key(owner_id, user_id),
            contact_id=contact_id,
            owner_id=owner_id,
            user_id=user_id,
            email=email,
            added_at=added_at,
        )

    @classmethod
    def of(cls, owner_id: str) -> Iterable[Self]:
        return cls.query(_user_partition(owner_id), cls.sk.startswith("CONTACT#"), consistent_read=True)

    @classmethod
    def find(cls, owner_id: str, user_id: str) -> Self:
        return cls.get(*cls.key(owner_id, user_id), consistent_read=True)


class Message(Item):
    """pk CONVERSATION#<lower user id>#<higher user id>, sk <ISO time>#<message id>: a conversation reads in
    time order."""

    message_id = UnicodeAttribute()
    sender_id = UnicodeAttribute()
    receiver_id = UnicodeAttribute()
    content = UnicodeAttribute()
    is_ping = BooleanAttribute(default=False)
    created_at = UTCDateTimeAttribute()

    @staticmethod
    def conversation(a: str, b: str) -> str:
        low, high = sorted((a, b))
        return f"CONVERSATION#{low}#{high}"

    @classmethod
    def new(
        cls, sender_id: str, receiver_id: str, *, message_id: str, content: str, is_ping: bool, created_at: datetime
    ) -> Self:
        return cls(
            cls.conversation(sender_id, receiver_id),
            f"{iso_millis(created_at)}#{message_id}",
            message_id=message_id,
            sender_id=sender_id,
            receiver_id=receiver_id,
            content=content,
            is_ping=is_ping,
            created_at=created_at,
        )

    @classmethod
    def newest(cls, a: str, b: str, limit: int, before: datetime | None = None) -> list[Self]:
        """The `limit` newest messages of a and b's conversation sent before `before`, newest first."""
        condition = cls.sk < iso_millis(before) if before else None
        page = cls.query(cls.conversation(a, b), condition, scan_index_forward=False, limit=limit, consistent_read=True)
        return list(page)


class Unread(Item):
    """pk USER#<reader id>, sk UNREAD#<sender id>: messages from one sender, not read yet (`value`) and in all.

    `received` counts them since it exists: before, each message also went to the reader's `message_count`,
    which now counts what the user sent, so the sum of the two is every message sent or received either way.
    """

    value = NumberAttribute(default=0)
    received = NumberAttribute(null=True)

    @staticmethod
    def key(reader_id: str, sender_id: str) -> tuple[str, str]:
        return _user_partition(reader_id), f"UNREAD#{sender_id}"

    @classmethod
    def ref(cls, reader_id: str, sender_id: str) -> Self:
        """The counter as a target for an update (not read)."""
        return cls(*cls.key(reader_id, sender_id))

    @classmethod
    def of(cls, reader_id: str, *, consistent_read: bool = False) -> Iterable[Self]:
        return cls.query(_user_partition(reader_id), cls.sk.startswith("UNREAD#"), consistent_read=consistent_read)
