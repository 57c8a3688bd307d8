"""Make moto's DynamoDB as atomic as the real service.

DynamoDB applies each conditional write and each transaction atomically; moto
checks the condition and then writes without a lock, so two concurrent
requests can both pass a check that only one should (seen: 11 debits of 10
from a balance of 100). Serialising moto's DynamoDB operations restores the
guarantee our code relies on, for the local server and the tests alike.
"""

from __future__ import annotations

import functools
import threading
from typing import Any

from moto.dynamodb.models import DynamoDBBackend

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


def make_dynamodb_atomic() -> None:
    for name in _OPERATIONS:
        original = getattr(DynamoDBBackend, name, None)
        if original is None or getattr(original, "_atomic", False):
            continue

        @functools.wraps(original)
        def locked(self: DynamoDBBackend, *args: Any, __original: Any = original, **kwargs: Any) -> Any:
            with _lock:
                return __original(self, *args, **kwargs)

        locked._atomic = True  # type: ignore[attr-defined]
        setattr(DynamoDBBackend, name, locked)
