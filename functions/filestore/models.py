"""filestore's items: one table keyed `pk`/`sk` by prefix, TTL on `expires_at`."""

from __future__ import annotations

from pynamodb.attributes import NumberAttribute, UnicodeAttribute, UTCDateTimeAttribute

from shared.dynamo import TableItem

Item = TableItem  # pk/sk/expires_at, table from TABLE_NAME


class Counter(Item):
    """pk COUNTER#users, sk COUNT: the last user id reserved (blocks per execution environment, shared.idblocks)."""

    value = NumberAttribute(default=0)


class UserItem(Item):
    """pk USERNAME#<username, case-folded>, sk USER: one account per username, whatever its case."""

    user_id = NumberAttribute()
    username = UnicodeAttribute()
    lastname = UnicodeAttribute()
    firstname = UnicodeAttribute()
    password_hash = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()


class SessionItem(Item):
    """pk SESSION#<sha256 of the token>, sk SESSION."""

    user_id = NumberAttribute()
    username = UnicodeAttribute()
    valid_until = UTCDateTimeAttribute()


class TransferToken(Item):
    """pk UPLOAD#|DOWNLOAD#<sha256 of the token>, sk TOKEN: one file of one user, for a while."""

    user_id = NumberAttribute()
    disk = UnicodeAttribute()
    key = UnicodeAttribute()
    file_name = UnicodeAttribute()
    valid_until = UTCDateTimeAttribute()
    content_type = UnicodeAttribute(null=True)  # uploads: the type the form requires
    staging_key = UnicodeAttribute(null=True)  # uploads: the one key the form can write
    claimed_at = UTCDateTimeAttribute(null=True)  # an upload in progress holds the token
