"""Request bodies, decoded and parsed in one place with bounds a hostile client cannot exceed.

Every reader of a body (Powertools' validation, handlers, webhooks) goes through
here, and anything unreadable raises `UnreadableBody`, which each API's resolver
answers with its own invalid-request error: never a 500, never a traceback.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable
from typing import Any

MAX_DEPTH = 32  # no documented body nests deeper than 3; Python's own parser dies near 1,000
# DynamoDB numbers: 38 significant digits, magnitudes 1e-130 to 1e126 (int() itself refuses 4,300 digits).
MAX_NUMBER_CHARS = 38
SMALLEST, LARGEST = 1e-130, 1e126


class UnreadableBody(Exception):
    """The body cannot be read as what its Content-Type says (the message says why, for the logs)."""


def raw(event: dict[str, Any]) -> bytes:
    """The body exactly as sent (signatures are computed over these bytes)."""
    body = event.get("body") or ""
    if not event.get("isBase64Encoded"):
        try:
            return body.encode("utf-8")
        except UnicodeEncodeError:
            raise UnreadableBody("lone surrogate in the body") from None
    try:
        return base64.b64decode(body, validate=True)
    except (binascii.Error, ValueError):
        raise UnreadableBody("invalid base64") from None


def text(event: dict[str, Any]) -> str:
    """The body as text: strict UTF-8."""
    try:
        return raw(event).decode("utf-8")
    except UnicodeDecodeError:
        raise UnreadableBody("invalid UTF-8") from None


def parse_json(document: str | bytes, *, parse_float: Callable[[str], Any] = float) -> Any:
    """JSON with bounded nesting and numbers, and only text that UTF-8 can carry."""
    try:
        value = json.loads(
            document,
            parse_int=_bounded(int),
            parse_float=_bounded(parse_float),
            parse_constant=_refuse_constant,
        )
    except RecursionError:
        raise UnreadableBody("JSON nested too deep") from None
    except (ValueError, ArithmeticError) as exc:  # JSONDecodeError and UnicodeDecodeError are ValueErrors
        raise UnreadableBody(f"invalid JSON: {type(exc).__name__}") from None
    _check_tree(value)
    return value


def _bounded(convert: Callable[[str], Any]) -> Callable[[str], Any]:
    def number(literal: str) -> Any:
        if len(literal) > MAX_NUMBER_CHARS:
            raise ValueError("number too long")
        value = convert(literal)
        if not isinstance(value, int) and value != 0 and not SMALLEST <= abs(value) < LARGEST:
            raise ValueError("number out of range")
        return value

    return number


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _check_tree(value: Any) -> None:
    """Iteratively (no recursion of our own): depth within MAX_DEPTH, no lone surrogate in any string."""
    pending = [(value, 1)]
    while pending:
        node, depth = pending.pop()
        if isinstance(node, str):
            _encodable(node)
        elif isinstance(node, dict | list):
            if depth > MAX_DEPTH:
                raise UnreadableBody("JSON nested too deep")
            children = node.items() if isinstance(node, dict) else enumerate(node)
            for key, child in children:
                if isinstance(key, str):
                    _encodable(key)
                pending.append((child, depth + 1))


def _encodable(value: str) -> None:
    # "\ud800" is valid JSON but no database or mail server takes it.
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise UnreadableBody("lone surrogate in a string") from None
