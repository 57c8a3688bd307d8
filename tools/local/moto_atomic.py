"""Make moto's DynamoDB as atomic as the real service, without copying whole tables.

DynamoDB applies each conditional write and each transaction atomically; moto
checks the condition and then writes without a lock, so two concurrent
requests can both pass a check that only one should (seen: 11 debits of 10
from a balance of 100). Serialising moto's DynamoDB operations restores the
guarantee our code relies on, for the local server and the tests alike. The
lock covers the whole request, from parsing to the serialised answer: moto's
request layer also reads and deep-copies items outside the backend (seen:
`dictionary changed size during iteration` in UpdateItem under a race).

moto's own TransactWriteItems also deep-copies every table it touches before
each transaction, to roll back on failure: a cost that grows with the table
(one test session's table made a 16-debit race take ~50 s). Under the lock the
transaction here runs in two phases instead: every condition is checked
against the current items first (DynamoDB forbids two operations on one item
in a transaction, so no write could change another operation's condition),
and only when all hold are the writes applied, after copying just the items
they touch, which a failed write puts back. The answers are moto's: the same
cancellation reasons, in the same order, with `ALL_OLD` items.
"""

from __future__ import annotations

import copy
import functools
import threading
from typing import Any

from moto.dynamodb.comparisons import get_filter_expression
from moto.dynamodb.exceptions import (
    ConditionalCheckFailed,
    MockValidationException,
    MultipleTransactionsException,
    TooManyTransactionsException,
    TransactionCanceledException,
    TransactWriteSingleOpException,
)
from moto.dynamodb.models import DynamoDBBackend
from moto.dynamodb.responses import DynamoHandler

_lock = threading.RLock()
_OPERATIONS = (
    "put_item",
    "get_item",
    "query",
    "scan",
    "update_item",
    "delete_item",
    "transact_write_items",
    "transact_get_items",
    "batch_write_item",
    "batch_get_item",
)
_OPERATION_TYPES = {"ConditionCheck", "Put", "Delete", "Update"}
Reason = tuple[str, str, Any] | tuple[None, None, None]


def make_dynamodb_atomic() -> None:
    if not getattr(DynamoDBBackend.transact_write_items, "_two_phase", False):
        DynamoDBBackend.transact_write_items = _transact_write_items  # type: ignore[method-assign]
    if not getattr(DynamoHandler.call_action, "_atomic", False):
        DynamoHandler.call_action = _locked(DynamoHandler.call_action)  # type: ignore[method-assign]
    for name in _OPERATIONS:
        original = getattr(DynamoDBBackend, name, None)
        if original is not None and not getattr(original, "_atomic", False):
            setattr(DynamoDBBackend, name, _locked(original))


def _locked(original: Any) -> Any:
    @functools.wraps(original)
    def locked(*args: Any, **kwargs: Any) -> Any:
        with _lock:
            return original(*args, **kwargs)

    locked._atomic = True  # type: ignore[attr-defined]
    return locked


def _transact_write_items(self: DynamoDBBackend, transact_items: list[dict[str, Any]]) -> None:
    if len(transact_items) > 100:
        raise TooManyTransactionsException()
    operations = [_operation(item) for item in transact_items]
    seen: set[tuple[str, str]] = set()
    reasons: list[Reason] = []
    for op_type, op in operations:
        reasons.append(_check(self, op_type, op, seen))
    if any(code is not None for code, _, _ in reasons):
        raise TransactionCanceledException(reasons)
    _apply(self, operations)


def _operation(item: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    if len(item) > 1:
        raise TransactWriteSingleOpException
    return next(iter(item.items()))


def _key(self: DynamoDBBackend, op_type: str, op: dict[str, Any]) -> dict[str, Any]:
    if op_type != "Put":
        return op["Key"]
    table = self.get_table(op["TableName"])
    attrs = op["Item"]
    key = {table.hash_key_attr: attrs[table.hash_key_attr]}
    if table.range_key_attr is not None:
        key[table.range_key_attr] = attrs[table.range_key_attr]
    return key


def _check(self: DynamoDBBackend, op_type: str, op: dict[str, Any], seen: set[tuple[str, str]]) -> Reason:
    """The cancellation reason of one operation, its condition evaluated against the current item."""
    old_item = None
    try:
        if op_type not in _OPERATION_TYPES:
            raise ValueError("Unsupported transaction operation")
        key = _key(self, op_type, op)
        unique = (str(op["TableName"]), str(dict(sorted(key.items()))))
        if unique in seen:
            raise MultipleTransactionsException()
        seen.add(unique)
        current = self.get_item(op["TableName"], key)
        expression = op.get("ConditionExpression")
        if expression is not None:
            condition = get_filter_expression(
                expression, op.get("ExpressionAttributeNames"), op.get("ExpressionAttributeValues")
            )
            if not condition.expr(current):
                if op.get("ReturnValuesOnConditionCheckFailure") == "ALL_OLD" and current:
                    old_item = current.to_json()["Attributes"]
                raise ConditionalCheckFailed(item=old_item)
    except (MultipleTransactionsException, MockValidationException):
        raise
    except ConditionalCheckFailed as failed:
        return ("ConditionalCheckFailed", str(failed.message), old_item)
    except Exception as failed:  # moto reports any other failure of an operation as its reason
        return (type(failed).__name__, str(failed), old_item)
    return (None, None, None)


def _apply(self: DynamoDBBackend, operations: list[tuple[str, dict[str, Any]]]) -> None:
    """Every write of a transaction whose conditions all hold; a failing one puts back the items touched."""
    saved = []
    for op_type, op in operations:
        table = self.get_table(op["TableName"])
        hash_key, range_key = self.get_keys_value(table, _key(self, op_type, op))
        saved.append((table, hash_key, range_key, copy.deepcopy(table.get_item(hash_key, range_key))))
    for index, (op_type, op) in enumerate(operations):
        try:
            _write(self, op_type, op)
        except Exception as failed:
            for table, hash_key, range_key, item in saved:
                _restore(table, hash_key, range_key, item)
            if isinstance(failed, (MultipleTransactionsException, MockValidationException)):
                raise
            reasons: list[Reason] = [(None, None, None)] * len(operations)
            reasons[index] = (type(failed).__name__, str(failed), None)
            raise TransactionCanceledException(reasons) from None


def _write(self: DynamoDBBackend, op_type: str, op: dict[str, Any]) -> None:
    # The condition goes along as moto passes it (it holds: nothing changed since the check, under the lock).
    expressions: dict[str, Any] = {
        "condition_expression": op.get("ConditionExpression"),
        "expression_attribute_names": op.get("ExpressionAttributeNames"),
        "expression_attribute_values": op.get("ExpressionAttributeValues"),
    }
    if op_type == "Put":
        self.put_item(op["TableName"], op["Item"], **expressions)
    elif op_type == "Delete":
        self.delete_item(op["TableName"], op["Key"], **expressions)
    elif op_type == "Update":
        self.update_item(op["TableName"], op["Key"], update_expression=op["UpdateExpression"], **expressions)


def _restore(table: Any, hash_key: Any, range_key: Any, item: Any) -> None:
    if range_key is None:
        if item is None:
            table.items.pop(hash_key, None)
        else:
            table.items[hash_key] = item
    elif item is None:
        table.items.get(hash_key, {}).pop(range_key, None)
    else:
        table.items[hash_key][range_key] = item


_transact_write_items._two_phase = True  # type: ignore[attr-defined]
