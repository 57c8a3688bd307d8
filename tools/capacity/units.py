"""What one DynamoDB request reads and writes, item by item, in the units DynamoDB charges.

moto reports a flat 1.0 of consumed capacity whatever a request did, so the units are computed here from the
request and the answer, by DynamoDB's rules:

- item size: the lengths of attribute names and values (a number: about one byte per two significant digits,
  plus one; maps and lists 3 bytes plus 1 per element);
- a write: 1 unit per KB of the larger of the item before and after (a refused conditional write too), at least
  1; the item after comes from the request (PutItem) or an ALL_NEW answer (pynamodb asks for one), else the key
  and the values written (every item here is far below 1 KB);
- a read: 1 unit per 4 KB strongly consistent, half eventually consistent; GetItem and each BatchGetItem key on
  their own (a missing item still costs the minimum), a Query or Scan page on the total size of what it returned;
- transactions: twice the units of the same requests (prepare and commit), for every item including condition
  checks.

Each result is an Access: one item (writes, key reads) or one partition (queries), with the key attributes as
strings so the model can group them by partition (`tools.capacity.model`).
"""

from __future__ import annotations

import base64
import math
import re
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Any

WRITE_UNIT = 1024
READ_UNIT = 4096
SCALAR_CHARS = 200  # longer attribute values are not kept (nothing indexes them here)
_EQUALITY = re.compile(r"([#\w.]+)\s*(?<![<>!])=\s*(:\w+)")


@dataclass
class Access:
    table: str
    kind: str  # "read" | "write"
    units: float
    key: dict[str, str]  # the item's key, or a query's equality conditions (its partition)
    index: str | None = None
    transaction: bool = False
    attributes: dict[str, str] = field(default_factory=dict)  # a written item's scalars, for its index entries

    def as_json(self) -> dict[str, Any]:
        return {name: value for name, value in asdict(self).items() if value not in (None, False, {})}


def accesses(operation: str, params: dict[str, Any], answer: dict[str, Any]) -> list[Access]:
    """The items and partitions one request touched, with their units ([] for control-plane operations)."""
    handler = _OPERATIONS.get(operation)
    return handler(params, answer) if handler else []


def item_size(item: dict[str, Any]) -> int:
    return sum(len(name.encode()) + _value_size(value) for name, value in item.items())


def scalars(item: dict[str, Any]) -> dict[str, str]:
    """The string and number attributes of an item, as strings (what keys and index keys can be)."""
    found = {}
    for name, value in item.items():
        text = scalar(value)
        if text is not None and len(text) <= SCALAR_CHARS:
            found[name] = text
    return found


def scalar(value: dict[str, Any]) -> str | None:
    if "S" in value:
        return str(value["S"])
    if "N" in value:
        return str(value["N"])
    return None


def write_units(size: int, transaction: bool = False) -> float:
    return (2 if transaction else 1) * max(1, math.ceil(size / WRITE_UNIT))


def read_units(size: int, consistent: bool, transaction: bool = False) -> float:
    per_unit = 2.0 if transaction else (1.0 if consistent else 0.5)
    return per_unit * max(1, math.ceil(size / READ_UNIT))


def _put(params: dict[str, Any], answer: dict[str, Any], transaction: bool = False) -> list[Access]:
    item = params["Item"]
    size = max(item_size(item), item_size(answer.get("Attributes") or {}))
    return [Access(params["TableName"], "write", write_units(size, transaction), {}, None, transaction, scalars(item))]


def _update(params: dict[str, Any], answer: dict[str, Any], transaction: bool = False) -> list[Access]:
    after = answer.get("Attributes") or {}
    written = {**params["Key"], **params.get("ExpressionAttributeValues", {})}
    size = max(item_size(after), item_size(written))
    attributes = scalars({**params["Key"], **after})
    key = scalars(params["Key"])
    return [Access(params["TableName"], "write", write_units(size, transaction), key, None, transaction, attributes)]


def _delete(params: dict[str, Any], answer: dict[str, Any], transaction: bool = False) -> list[Access]:
    before = answer.get("Attributes") or {}
    size = max(item_size(before), item_size(params["Key"]))
    key = scalars(params["Key"])
    return [Access(params["TableName"], "write", write_units(size, transaction), key, None, transaction)]


def _check(params: dict[str, Any], answer: dict[str, Any]) -> list[Access]:
    return [Access(params["TableName"], "write", write_units(item_size(params["Key"]), True), scalars(params["Key"]))]


def _get(params: dict[str, Any], answer: dict[str, Any]) -> list[Access]:
    size = item_size(answer.get("Item") or {})
    units = read_units(size, bool(params.get("ConsistentRead")))
    return [Access(params["TableName"], "read", units, scalars(params["Key"]))]


def _batch_get(params: dict[str, Any], answer: dict[str, Any]) -> list[Access]:
    found: list[Access] = []
    unprocessed = answer.get("UnprocessedKeys") or {}
    for table, request in params["RequestItems"].items():
        returned = answer.get("Responses", {}).get(table, [])
        sizes = {_identity(scalars(item), request["Keys"][0]): item_size(item) for item in returned}
        skipped = {_identity(scalars(key), key) for key in unprocessed.get(table, {}).get("Keys", [])}
        for key in request["Keys"]:
            identity = _identity(scalars(key), key)
            if identity in skipped:
                continue
            units = read_units(sizes.get(identity, 0), bool(request.get("ConsistentRead")))
            found.append(Access(table, "read", units, scalars(key)))
    return found


def _identity(values: dict[str, str], key: dict[str, Any]) -> tuple[str, ...]:
    return tuple(values.get(name, "") for name in sorted(key))


def _query(params: dict[str, Any], answer: dict[str, Any]) -> list[Access]:
    size = sum(item_size(item) for item in answer.get("Items", []))
    units = read_units(size, bool(params.get("ConsistentRead")))
    return [Access(params["TableName"], "read", units, _key_condition(params), params.get("IndexName"))]


def _scan(params: dict[str, Any], answer: dict[str, Any]) -> list[Access]:
    size = sum(item_size(item) for item in answer.get("Items", []))
    units = read_units(size, bool(params.get("ConsistentRead")))
    return [Access(params["TableName"], "read", units, {"*": "scan"}, params.get("IndexName"))]


def _key_condition(params: dict[str, Any]) -> dict[str, str]:
    """The attributes a KeyConditionExpression pins to one value (the partition key among them)."""
    names = params.get("ExpressionAttributeNames", {})
    values = params.get("ExpressionAttributeValues", {})
    pinned = {}
    for name, placeholder in _EQUALITY.findall(params.get("KeyConditionExpression", "")):
        value = scalar(values.get(placeholder, {}))
        if value is not None:
            pinned[names.get(name, name)] = value
    return pinned


def _transact_write(params: dict[str, Any], answer: dict[str, Any]) -> list[Access]:
    found: list[Access] = []
    for entry in params["TransactItems"]:
        ((kind, request),) = entry.items()
        if kind == "Put":
            found += _put(request, {}, transaction=True)
        elif kind == "Update":
            found += _update(request, {}, transaction=True)
        elif kind == "Delete":
            found += _delete(request, {}, transaction=True)
        else:
            found += _check(request, {})
    return found


def _transact_get(params: dict[str, Any], answer: dict[str, Any]) -> list[Access]:
    found = []
    for entry, response in zip(params["TransactItems"], answer.get("Responses", []), strict=False):
        request = entry["Get"]
        units = read_units(item_size(response.get("Item") or {}), True, transaction=True)
        found.append(Access(request["TableName"], "read", units, scalars(request["Key"]), None, True))
    return found


def _batch_write(params: dict[str, Any], answer: dict[str, Any]) -> list[Access]:
    found: list[Access] = []
    for table, requests in params["RequestItems"].items():
        for request in requests:
            if "PutRequest" in request:
                found += _put({"TableName": table, **request["PutRequest"]}, {})
            else:
                found += _delete({"TableName": table, **request["DeleteRequest"]}, {})
    return found


_OPERATIONS = {
    "PutItem": _put,
    "UpdateItem": _update,
    "DeleteItem": _delete,
    "GetItem": _get,
    "BatchGetItem": _batch_get,
    "Query": _query,
    "Scan": _scan,
    "TransactWriteItems": _transact_write,
    "TransactGetItems": _transact_get,
    "BatchWriteItem": _batch_write,
}


def _value_size(value: dict[str, Any]) -> int:
    ((kind, data),) = value.items()
    match kind:
        case "S":
            return len(data.encode())
        case "N":
            return _number_size(data)
        case "B":
            return len(data) if isinstance(data, bytes) else len(base64.b64decode(data))
        case "BOOL" | "NULL":
            return 1
        case "SS":
            return sum(len(text.encode()) for text in data)
        case "NS":
            return sum(_number_size(number) for number in data)
        case "BS":
            return sum(len(blob) for blob in data)
        case "M":
            return 3 + sum(len(k.encode()) + _value_size(v) + 1 for k, v in data.items())
        case "L":
            return 3 + sum(_value_size(v) + 1 for v in data)
    return 0


def _number_size(text: str) -> int:
    """About one byte per two significant digits, plus one."""
    digits = str(Decimal(text).normalize()).lstrip("-").replace(".", "").split("E")[0].strip("0") or "0"
    return math.ceil(len(digits) / 2) + 1
