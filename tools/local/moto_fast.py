"""Make moto's DynamoDB answers cheaper to serialise.

moto 5.2 renders every response by walking botocore's output shape and, for each
member, trying several attribute aliases on the Python value. DynamoDB items are
already in wire format by then (`{"pk": {"S": "USER#1"}, "n": {"N": "3"}}`), yet
every attribute value goes through that walk: more than half the CPU of a query
answering a few hundred items (an invoice listing: ~0.45 s of ~0.8 s).

An `AttributeValue` made only of strings, numbers, booleans, nulls, string and
number sets, and maps and lists of those is its own serialisation: it is copied
as it is. Binary values (base64 on the wire) still take moto's own path, as does
everything that is not an attribute value.
"""

from __future__ import annotations

from typing import Any

from moto.core.serialize import BaseJSONSerializer

_PLAIN = frozenset({"S", "N", "BOOL", "NULL", "SS", "NS"})


def serialize_attribute_values_directly() -> None:
    original = BaseJSONSerializer._serialize_type_structure
    if getattr(original, "_direct", False):
        return

    def serialize(self: BaseJSONSerializer, serialized: Any, value: Any, shape: Any, key: str) -> None:
        if shape.name == "AttributeValue" and _wire_format(value):
            serialized[key] = value
            return
        original(self, serialized, value, shape, key)

    serialize._direct = True  # type: ignore[attr-defined]
    BaseJSONSerializer._serialize_type_structure = serialize  # type: ignore[method-assign]


def _wire_format(value: Any) -> bool:
    if not isinstance(value, dict) or len(value) != 1:
        return False
    ((kind, inner),) = value.items()
    if kind in _PLAIN:
        return True
    if kind == "M":
        return isinstance(inner, dict) and all(_wire_format(member) for member in inner.values())
    if kind == "L":
        return isinstance(inner, list) and all(_wire_format(member) for member in inner)
    return False
