"""invoice_api's items: one table keyed `pk`/`sk` by prefix, TTL on `expires_at`, four indexes for the filters.

The indexes project what the list shows and filters on (not created_at / updated_at): a list request
reads fewer bytes, so fewer read units.

Users live in one item collection (pk USERS) so listing them is one query and never reads a password
hash: those are in the LOGIN# items, read only by login.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from pynamodb.attributes import Attribute, NumberAttribute, UnicodeAttribute, UTCDateTimeAttribute
from pynamodb.constants import NUMBER
from pynamodb.indexes import GlobalSecondaryIndex, IncludeProjection

from shared.dynamo import TableItem

USERS = "USERS"
COUNTERS = "COUNTER"
ID_WIDTH = 12  # user sort keys are zero-padded so the collection reads in id order


class DecimalAttribute(Attribute[Decimal]):
    """A DynamoDB number read back as an exact Decimal (pynamodb's NumberAttribute gives floats)."""

    attr_type = NUMBER

    def serialize(self, value: Decimal) -> str:
        return str(value)

    def deserialize(self, value: Any) -> Decimal:
        return Decimal(str(value))


Item = TableItem  # pk/sk/expires_at, table from TABLE_NAME


class User(Item):
    """pk USERS, sk <zero-padded id>. Only what the API shows: the password hash is in Login."""

    user_id = NumberAttribute()
    first_name = UnicodeAttribute()
    last_name = UnicodeAttribute()
    email = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()

    @staticmethod
    def key(user_id: int) -> tuple[str, str]:
        return USERS, f"{user_id:0{ID_WIDTH}d}"


class Login(Item):
    """pk LOGIN#<e-mail, lower case>, sk LOGIN: the credentials of one user."""

    user_id = NumberAttribute()
    password_hash = UnicodeAttribute()


class AccessToken(Item):
    """pk TOKEN#<id>, sk TOKEN: a personal access token, `<id>|<secret>` to the client, SHA-256 of the secret here."""

    user_id = NumberAttribute()
    token_hash = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()
    valid_until = UTCDateTimeAttribute()


class Counter(Item):
    """pk COUNTER, sk <name>: the last id reserved (atomic ADD of a block, see ids.py)."""

    value = NumberAttribute(default=0)


class ByUser(GlobalSecondaryIndex["Invoice"]):
    class Meta:
        index_name = "ByUser"
        projection = IncludeProjection(["type", "paid", "value", "payment_date"])

    user_id = NumberAttribute(hash_key=True)
    invoice_id = NumberAttribute(range_key=True)


class ByType(GlobalSecondaryIndex["Invoice"]):
    class Meta:
        index_name = "ByType"
        projection = IncludeProjection(["invoice_id", "user_id", "paid", "payment_date"])

    type = UnicodeAttribute(hash_key=True)
    value = DecimalAttribute(range_key=True)


class ByPaid(GlobalSecondaryIndex["Invoice"]):
    class Meta:
        index_name = "ByPaid"
        projection = IncludeProjection(["user_id", "type", "value", "payment_date"])

    paid = NumberAttribute(hash_key=True)
    invoice_id = NumberAttribute(range_key=True)


class ByPaymentDate(GlobalSecondaryIndex["Invoice"]):
    """Sparse: only paid invoices have a payment_date."""

    class Meta:
        index_name = "ByPaymentDate"
        projection = IncludeProjection(["invoice_id", "user_id", "type", "value"])

    paid = NumberAttribute(hash_key=True)
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

    by_user = ByUser()
    by_type = ByType()
    by_paid = ByPaid()
    by_payment_date = ByPaymentDate()

    @staticmethod
    def key(invoice_id: int) -> tuple[str, str]:
        return f"INVOICE#{invoice_id}", "INVOICE"


class SeedMarker(Item):
    """pk SEED, sk <data set>: which ids a seeding reserved, and whether it finished (seeding is idempotent)."""

    first_id = NumberAttribute()
    size = NumberAttribute()  # how many invoices (not `count`: Model.count is a query)
    seeded_at = UTCDateTimeAttribute()
    done = NumberAttribute(default=0)
