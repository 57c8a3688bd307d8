"""shared.body: every body class that once gave a 500 is UnreadableBody, and readable ones parse as before."""

import base64
from decimal import Decimal

import pytest

from shared.body import MAX_DEPTH, UnreadableBody, parse_json, raw, text


@pytest.mark.parametrize(
    "document",
    [
        b'{"email": "\xff\xfe"}',  # invalid UTF-8
        "[" * 10_000 + "]" * 10_000,  # RecursionError in json
        "[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1),  # deeper than any documented body
        '{"amount": ' + "1" * 5000 + "}",  # int() refuses over 4,300 digits
        '{"amount": ' + "1" * 39 + "}",  # more digits than DynamoDB keeps
        '{"value": 1e300}',  # beyond DynamoDB's range
        '{"value": 1e-300}',
        '{"value": NaN}',
        '{"value": Infinity}',
        '{"name": "\\ud800"}',  # lone surrogate
        '{"\\udc00": 1}',  # ... in a key
        "{",
        "",
    ],
)
def test_unreadable_json_is_refused(document):
    with pytest.raises(UnreadableBody):
        parse_json(document)


def test_readable_json_parses_as_json_does():
    document = '{"a": [1, 2.5, {"b": null}], "c": "envoyé 🎉", "d": -0, "e": 0.0}'
    assert parse_json(document) == {"a": [1, 2.5, {"b": None}], "c": "envoyé 🎉", "d": 0, "e": 0.0}
    assert parse_json("[" * MAX_DEPTH + "]" * MAX_DEPTH) is not None


def test_floats_can_be_exact_decimals():
    assert parse_json('{"value": 9000.10}', parse_float=Decimal) == {"value": Decimal("9000.10")}
    with pytest.raises(UnreadableBody):
        parse_json('{"value": 1e300}', parse_float=Decimal)


def test_bodies_decode_from_base64_and_strict_utf8():
    encoded = {"body": base64.b64encode("é".encode()).decode(), "isBase64Encoded": True}
    assert raw(encoded) == "é".encode() and text(encoded) == "é"
    assert raw({"body": "plain", "isBase64Encoded": False}) == b"plain"
    for broken in (
        {"body": base64.b64encode(b"\xff\xfe").decode(), "isBase64Encoded": True},
        {"body": "not base64!", "isBase64Encoded": True},
        {"body": "\ud800", "isBase64Encoded": False},
    ):
        with pytest.raises(UnreadableBody):
            text(broken)
