"""invoice_api's items: one table keyed `pk`/`sk` by prefix, TTL on `expires_at`, four indexes for the filters;
each model spells its own keys.

The indexes project what the list shows and filters on (not created_at / updated_at): a list request
reads fewer bytes, so fewer read units.

Users live in `USER_SHARDS` item collections (pk USERS#<id % USER_SHARDS>), so listing them is a query of
each and never reads a password hash: those are in the LOGIN# items, read only by login. Nearly every request
reads its user: in one collection, that one partition (3,000 read units a second) would be the API's first
limit. Users stored before the shards, in the one collection `USERS`, are still read there until seeding
moves them (tools/seed.py).

An index keyed by a value with few possibilities (paid 0/1, type P/B/C) would put every invoice write into
two or three index partitions, each limited to 1,000 write units a second: those keys are written sharded
(`<value>#<invoice_id % INDEX_SHARDS>`, in `paid_shard` and `type_shard`), and a query reads the shards of
each value it needs (invoices.py). ByUser's key, the user, has as many values as there are users.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from pynamodb.attributes import Attribute, NumberAttribute, UnicodeAttribute, UTCDateTimeAttribute
from pynamodb.constants import NUMBER
from pynamodb.indexes import GlobalSecondaryIndex, IncludeProjection

from shared.dynamo import TableItem

USERS = "USERS"  # users' item collections: USERS#<shard>; USERS alone is the one collection of before
USER_SHARDS = 4
COUNTERS = "COUNTER"
ID_WIDTH = 12  # user sort keys are zero-padded so each collection reads in id order
INDEX_SHARDS = 4


def index_shard(value: object, invoice_id: int) -> str:
    """The sharded index key of a value with few possibilities, for one invoice."""
    return f"{value}#{invoice_id % INDEX_SHARDS}"


class DecimalAttribute(Attribute[Decimal]):
    """A DynamoDB number read back as an exact Decimal (pynamodb's NumberAttribute gives floats)."""

    attr_type = NUMBER

    def serialize(self, value: Decimal) -> str:
        return str(value)

    def deserialize(self, value: Any) -> Decimal:
        return Decimal(str(value))


Item = TableItem  # pk/sk/expires_at, table from TABLE_NAME


class User(Item):
    """pk USERS#<id % USER_SHARDS>, sk <zero-padded id>. Only what the API shows: the password hash is in Login."""

    user_id = NumberAttribute()
    first_name = UnicodeAttribute()
    last_name = UnicodeAttribute()
    email = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()

    @staticmethod
    def key(user_id: int) -> tuple[str, str]:
        return f"{USERS}#{user_id % USER_SHARDS}", f"{user_id:0{ID_WIDTH}d}"

    @staticmethod
    def legacy_key(user_id: int) -> tuple[str, str]:
        """Where a user was stored before the shards (until seeding moves it)."""
        return USERS, f"{user_id:0{ID_WIDTH}d}"

    @classmethod
    def everyone(cls) -> list[User]:
        """Every user, in id order: a query of each collection, and of the one of before (until seeding empties it)."""
        found: dict[int, User] = {}
        for collection in [*(f"{USERS}#{shard}" for shard in range(USER_SHARDS)), USERS]:
            for user in cls.query(collection):
                found.setdefault(int(user.user_id), user)  # a user being moved by seeding: its shard's copy
        return [found[user_id] for user_id in sorted(found)]

    @classmethod
    def stored_before_the_shards(cls) -> Iterator[User]:
        """The users still in the one collection of before (seeding moves them)."""
        return cls.query(USERS, consistent_read=True)


class Login(Item):
    """pk LOGIN#<e-mail, lower case>, sk LOGIN: the credentials of one user."""

    user_id = NumberAttribute()
    password_hash = UnicodeAttribute()

    @staticmethod
    def key(email: str) -> tuple[str, str]:
        return f"LOGIN#{email.strip().lower()}", "LOGIN"


class AccessToken(Item):
    """pk TOKEN#<id>, sk TOKEN: a personal access token, `<id>|<secret>` to the client, SHA-256 of the secret here."""

    user_id = NumberAttribute()
    token_hash = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()
    valid_until = UTCDateTimeAttribute()

    @staticmethod
    def key(token_id: int) -> tuple[str, str]:
        return f"TOKEN#{token_id}", "TOKEN"


class Counter(Item):
    """pk COUNTER, sk <name>: the last id reserved (atomic ADD of a block, see ids.py)."""

    value = NumberAttribute(default=0)

    @staticmethod
    def key(name: str) -> tuple[str, str]:
        return COUNTERS, name


class ByUser(GlobalSecondaryIndex["Invoice"]):
    class Meta:
        index_name = "ByUser"
        projection = IncludeProjection(["type", "paid", "value", "payment_date"])

    user_id = NumberAttribute(hash_key=True)
    invoice_id = NumberAttribute(range_key=True)


class ByType(GlobalSecondaryIndex["Invoice"]):
    class Meta:
        index_name = "ByTypeShard"
        projection = IncludeProjection(["invoice_id", "user_id", "type", "paid", "payment_date"])

    type_shard = UnicodeAttribute(hash_key=True)
    value = DecimalAttribute(range_key=True)


class ByPaid(GlobalSecondaryIndex["Invoice"]):
    class Meta:
        index_name = "ByPaidShard"
        projection = IncludeProjection(["user_id", "type", "paid", "value", "payment_date"])

    paid_shard = UnicodeAttribute(hash_key=True)
    invoice_id = NumberAttribute(range_key=True)


class ByPaymentDate(GlobalSecondaryIndex["Invoice"]):
    """Sparse: only paid invoices have a payment_date."""

    class Meta:
        index_name = "ByPaymentDateShard"
        projection = IncludeProjection(["invoice_id", "user_id", "type", "paid", "value"])

    paid_shard = UnicodeAttribute(hash_key=True)
    payment_date = UTCDateTimeAttribute(range_key=True)


class Invoice(Item):
    """pk INVOICE#<id>, sk INVOICE. `value` is an exact decimal; payment_date is set exactly when paid is 1."""

    invoice_id = NumberAttribute()
    user_id = NumberAttribute()
    type = UnicodeAttribute()  # P, B or C
    paid = NumberAttribute()  # 0 or 1
    value = DecimalAttribute()
    payment_date = UTCDateTimeAttribute(null=True)
    created_at = UTCDateTimeAttribute()
    updated_at = UTCDateTimeAttribute()
    paid_shard = UnicodeAttribute(null=True)  # index_shard(paid, invoice_id): ByPaid, ByPaymentDate
    type_shard = UnicodeAttribute(null=True)  # index_shard(type, invoice_id): ByType

    by_user = ByUser()
    by_type = ByType()
    by_paid = ByPaid()
    by_payment_date = ByPaymentDate()

    @staticmethod
    def key(invoice_id: int) -> tuple[str, str]:
        return f"INVOICE#{invoice_id}", "INVOICE"

    def shard_index_keys(self) -> Invoice:
        """Sets the sharded index keys from paid, type and the id; before every save."""
        self.paid_shard = index_shard(int(self.paid), int(self.invoice_id))
        self.type_shard = index_shard(self.type, int(self.invoice_id))
        return self


class SeedMarker(Item):
    """pk SEED, sk <data set>: which ids a seeding reserved, and whether it finished (seeding is idempotent)."""

    first_id = NumberAttribute()
    size = NumberAttribute()  # how many invoices (not `count`: Model.count is a query)
    seeded_at = UTCDateTimeAttribute()
    done = NumberAttribute(default=0)

    @staticmethod
    def key(data_set: str) -> tuple[str, str]:
        return "SEED", data_set
