"""PynamoDB on our one DynamoDB client, and helpers for writes that must happen once.

A model's `Meta.table_name = EnvTableName()` reads the function's TABLE_NAME
when the model is used rather than at import, so one process can serve several
tables in tests and on the local server.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from functools import cache, partial
from typing import Any

from pynamodb.attributes import TTLAttribute, UnicodeAttribute
from pynamodb.connection import Connection, TableConnection
from pynamodb.exceptions import DeleteError, PutError, TransactWriteError, UpdateError
from pynamodb.models import Model

from shared import aws
from shared.lifecycle import at_init

CONDITION_FAILED = "ConditionalCheckFailedException"
TRANSACTION_CONDITION_FAILED = "ConditionalCheckFailed"  # the reason code inside a cancelled transaction
TRANSACTION_CONFLICT = "TransactionConflict"  # another transaction was writing the same item at the same moment


class EnvTableName:
    """A Meta.table_name resolved from the environment on every access."""

    def __init__(self, variable: str = "TABLE_NAME") -> None:
        self.variable = variable

    def __get__(self, instance: object, owner: type) -> str | None:
        return os.environ.get(self.variable)


class SharedConnection(Connection):
    """pynamodb's Connection on `shared.aws.client("dynamodb")` rather than a client of its own.

    Left alone, pynamodb builds a botocore session and a client per model class and per thread
    (`Connection.session` is thread-local, `Connection.client` creates on first use), and `Connection()` in a
    transaction builds yet another: each ~50-100 ms of CPU. All it ever does with the client is
    `client._make_api_call(...)`, so handing it ours is enough; our client's timeouts and retries then apply
    to pynamodb's calls too. Its other state (table metadata) stays per Connection.
    """

    @property
    def session(self) -> Any:
        return aws.session()._session

    @property
    def client(self) -> Any:
        return aws.client("dynamodb")


at_init(partial(aws.client, "dynamodb"))


@cache
def connection() -> SharedConnection:
    """The Connection for `TransactWrite(connection=...)` / `TransactGet(connection=...)`."""
    return SharedConnection()


class SharedModel(Model):
    """A pynamodb model on the shared DynamoDB client (its timeouts, retries and the invocation's deadline), in
    the table TABLE_NAME names. Every model derives from it: a plain `Model` would build its own client."""

    class Meta:
        table_name = EnvTableName()

    @classmethod
    def _get_connection(cls) -> TableConnection:
        # pynamodb builds each model's TableConnection (key schema, indexes) around a plain Connection that has
        # not created its client yet: swap in one on the shared client, once per model class and table.
        table = super()._get_connection()
        if not isinstance(table.connection, SharedConnection):
            shared = SharedConnection()
            shared.add_meta_table(table.get_meta_table())
            table.connection = shared
        return table


class TableItem(SharedModel):
    """Base of the items of an API's one table: `pk`/`sk` strings keyed by prefix, TTL on `expires_at`."""

    class Meta:
        table_name = EnvTableName()

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    expires_at = TTLAttribute(null=True)


def applied(write: Callable[[], object]) -> bool:
    """Run a conditional write; False when its condition did not hold (someone got there first)."""
    try:
        write()
    except (PutError, UpdateError, DeleteError) as exc:
        if exc.cause_response_code == CONDITION_FAILED:
            return False
        raise
    return True


def failed_conditions(exc: TransactWriteError, items: int) -> list[bool] | None:
    """Per transaction item, whether its condition failed; None when the cancellation had another cause.

    The items are in the order pynamodb sends them, which is not always the order
    they were added in: condition checks first, then deletes, then puts, then
    updates (`TransactWrite._commit`). Add items of one kind in the order you
    index them, or put the update last.
    """
    codes = [reason.code if reason else None for reason in (exc.cancellation_reasons or [])]
    if TRANSACTION_CONDITION_FAILED not in codes:
        return None
    codes += [None] * (items - len(codes))
    return [code == TRANSACTION_CONDITION_FAILED for code in codes]


def conflicted(exc: TransactWriteError) -> bool:
    """Whether DynamoDB cancelled the transaction because another one touched the same item: worth a retry.

    DynamoDB cancels one of two concurrent transactions on an item with the
    reason `TransactionConflict` (moto never does); it says nothing about the
    conditions, which were not evaluated.
    """
    return any(reason is not None and reason.code == TRANSACTION_CONFLICT for reason in exc.cancellation_reasons or [])
