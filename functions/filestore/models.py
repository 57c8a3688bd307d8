"""filestore's items: one table keyed `pk`/`sk` by prefix, TTL on `expires_at`; each model spells its own keys.

Tokens (sessions, transfers) are keyed by their SHA-256: the table never holds one a client could present.
"""

from __future__ import annotations

from enum import StrEnum

from pynamodb.attributes import NumberAttribute, UnicodeAttribute, UTCDateTimeAttribute

from shared.dynamo import TableItem
from shared.tokens import token_hash

Item = TableItem  # pk/sk/expires_at, table from TABLE_NAME


class Counter(Item):
    """pk COUNTER#users, sk COUNT: the last user id reserved (blocks per execution environment, shared.idblocks)."""

    value = NumberAttribute(default=0)

    @staticmethod
    def users_key() -> tuple[str, str]:
        return "COUNTER#users", "COUNT"


class UserItem(Item):
    """pk USERNAME#<username, case-folded>, sk USER: one account per username, whatever its case."""

    user_id = NumberAttribute()
    username = UnicodeAttribute()
    lastname = UnicodeAttribute()
    firstname = UnicodeAttribute()
    password_hash = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()

    @staticmethod
    def key(username: str) -> tuple[str, str]:
        return f"USERNAME#{username.casefold()}", "USER"

    @classmethod
    def find(cls, username: str) -> UserItem | None:
        try:
            return cls.get(*cls.key(username), consistent_read=True)
        except cls.DoesNotExist:
            return None


class SessionItem(Item):
    """pk SESSION#<sha256 of the token>, sk SESSION."""

    user_id = NumberAttribute()
    username = UnicodeAttribute()
    valid_until = UTCDateTimeAttribute()

    @staticmethod
    def key(token: str) -> tuple[str, str]:
        return f"SESSION#{token_hash(token)}", "SESSION"

    @classmethod
    def find(cls, token: str) -> SessionItem | None:
        try:
            return cls.get(*cls.key(token), consistent_read=True)
        except cls.DoesNotExist:
            return None


class Transfer(StrEnum):
    UPLOAD = "UPLOAD"
    DOWNLOAD = "DOWNLOAD"


class TransferToken(Item):
    """pk UPLOAD#|DOWNLOAD#<sha256 of the token>, sk TOKEN: one file of one user, for a while."""

    user_id = NumberAttribute()
    disk = UnicodeAttribute()
    object_key = UnicodeAttribute(attr_name="key")  # where the file is, in the bucket
    file_name = UnicodeAttribute()
    valid_until = UTCDateTimeAttribute()
    content_type = UnicodeAttribute(null=True)  # uploads: the type the form requires
    staging_key = UnicodeAttribute(null=True)  # uploads: the one key the form can write
    claimed_at = UTCDateTimeAttribute(null=True)  # an upload in progress holds the token

    @staticmethod
    def key(kind: Transfer, token: str) -> tuple[str, str]:
        return f"{kind}#{token_hash(token)}", "TOKEN"

    @classmethod
    def find(cls, kind: Transfer, token: str) -> TransferToken | None:
        try:
            return cls.get(*cls.key(kind, token), consistent_read=True)
        except cls.DoesNotExist:
            return None
