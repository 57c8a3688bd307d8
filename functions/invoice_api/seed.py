"""Demo data (the spec's three users, a few dozen invoices) and bulk invoices, written idempotently.

Called with a boto3 DynamoDB client and a table name, so the same code seeds the local stack (moto) and a
deployed one (`make seed`). Users have fixed ids 1..3 and are written only when missing (password
`password`, argon2). A set of invoices takes its ids from the invoice counter once, records them in a
SEED# marker, and rewrites the same ids until the marker says done: running again adds nothing, and a
seeding cut short is completed by the next run. Invoices stored before the sharded index keys existed get
them (`shard_index_keys`), so `make seed` also migrates a deployed table.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from botocore.exceptions import ClientError

from invoice_api.auth import login_key
from invoice_api.models import COUNTERS, Invoice, Login, SeedMarker, User, index_shard
from shared.dynamo import CONDITION_FAILED
from shared.passwords import hash_password

DEMO_PASSWORD = "password"  # noqa: S105 - the spec's demo accounts, documented in the README
DEMO_USERS = (
    (1, "Example", "One", "example.one@example.com"),
    (2, "Example", "Two", "example.two@example.com"),
    (3, "Example", "Three", "example.three@example.com"),
)
# fmt: off
DEMO_VALUES = (
    "12000.00", "9918.00", "9918.00", "3128.00", "1250.50", "89.90", "459.00", "2399.99", "15780.35",
    "780.00", "129.90", "5400.00", "312.45", "18990.00", "64.99", "2750.00", "990.10", "4321.09",
    "150.00", "7200.00", "239.90", "1899.00", "45.50", "12500.00", "3300.33", "620.00", "99.99",
    "8750.00", "1475.25", "210.00", "56.78", "6400.00", "1120.40", "35.00", "2999.90", "10250.00",
)
# fmt: on
# How long before the seeding each paid demo invoice was paid, in turn: hours to a few months.
PAID_AGO = (
    timedelta(days=3, hours=4),
    timedelta(days=14, hours=3),
    timedelta(days=15, hours=1),
    timedelta(days=1, hours=2),
    timedelta(hours=5),
    timedelta(minutes=30),
    timedelta(days=2),
    timedelta(days=9),
    timedelta(days=21),
    timedelta(days=35),
    timedelta(days=50),
    timedelta(days=70),
    timedelta(days=4, hours=7),
)
TYPES = ("P", "B", "C")
Row = Callable[[int, int, datetime], Invoice]  # (position in the set, invoice id, seeding time) -> invoice


@dataclass(frozen=True)
class Seeded:
    users: int
    invoices: int
    sharded: int = 0  # invoices written before the sharded index keys, given theirs


def seed_demo_data(dynamodb: Any, table: str) -> Seeded:
    users = ensure_demo_users(dynamodb, table)
    invoices = seed_invoices(dynamodb, table, "demo", len(DEMO_VALUES), demo_invoice)
    return Seeded(users, invoices, shard_index_keys(dynamodb, table))


def shard_index_keys(dynamodb: Any, table: str) -> int:
    """Invoices stored before the sharded index keys (models.py) get theirs, so the list sees them again.

    Each update is conditioned on the paid state and type it was computed from: an invoice changed meanwhile
    through the API has its keys already (or gets them at the next run).
    """
    done = 0
    pages = dynamodb.get_paginator("scan").paginate(
        TableName=table,
        FilterExpression="sk = :invoice AND attribute_not_exists(paid_shard)",
        ExpressionAttributeValues={":invoice": {"S": "INVOICE"}},
        ProjectionExpression="pk, sk, invoice_id, paid, #type",
        ExpressionAttributeNames={"#type": "type"},
    )
    for item in (item for page in pages for item in page.get("Items", [])):
        invoice_id, paid, kind = int(item["invoice_id"]["N"]), int(item["paid"]["N"]), item["type"]["S"]
        try:
            dynamodb.update_item(
                TableName=table,
                Key={"pk": item["pk"], "sk": item["sk"]},
                UpdateExpression="SET paid_shard = :paid_shard, type_shard = :type_shard",
                ConditionExpression="paid = :paid AND #type = :type",
                ExpressionAttributeNames={"#type": "type"},
                ExpressionAttributeValues={
                    ":paid_shard": {"S": index_shard(paid, invoice_id)},
                    ":type_shard": {"S": index_shard(kind, invoice_id)},
                    ":paid": item["paid"],
                    ":type": item["type"],
                },
            )
        except ClientError as exc:
            if exc.response["Error"]["Code"] != CONDITION_FAILED:
                raise
            continue
        done += 1
    return done


def ensure_demo_users(dynamodb: Any, table: str) -> int:
    created = 0
    now = datetime.now(UTC)
    for user_id, first_name, last_name, email in DEMO_USERS:
        user = User(*User.key(user_id), user_id=user_id, first_name=first_name, last_name=last_name, email=email)
        user.created_at = now
        created += _put_new(dynamodb, table, user)  # names and e-mail are only written when missing
        if not _exists(dynamodb, table, login_key(email)):
            login = Login(*login_key(email), user_id=user_id, password_hash=hash_password(DEMO_PASSWORD))
            _put_new(dynamodb, table, login)
    return created


def demo_invoice(position: int, invoice_id: int, seeded_at: datetime) -> Invoice:
    """The spec's first three (unpaid Pix of 12,000.00; two paid 9,918.00 two weeks ago), then a mix."""
    paid = position % 4 != 0 and position % 7 != 6
    paid_ago = PAID_AGO[position % len(PAID_AGO)]
    return _invoice(
        invoice_id,
        user_id=DEMO_USERS[position % 3][0],
        kind=TYPES[position % 3],
        value=Decimal(DEMO_VALUES[position]),
        paid_at=(seeded_at - paid_ago).replace(microsecond=0) if paid else None,
        created_at=seeded_at - timedelta(days=100) + timedelta(hours=position),
    )


def bulk_invoice(position: int, invoice_id: int, seeded_at: datetime) -> Invoice:
    """Deterministic variety for measurements: every user, type and state, values up to 20,000, a year of dates."""
    paid = position % 3 != 0
    cents = (position * 7919 + 1234) % 2_000_000 + 1
    return _invoice(
        invoice_id,
        user_id=DEMO_USERS[position % 3][0],
        kind=TYPES[(position // 3) % 3],
        value=Decimal(cents) / 100,
        paid_at=(seeded_at - timedelta(minutes=(position * 131) % 525_600)).replace(microsecond=0) if paid else None,
        created_at=seeded_at - timedelta(days=400),
    )


def seed_invoices(dynamodb: Any, table: str, name: str, count: int, row: Row) -> int:
    """Write the set `name` of `count` invoices once; the number written by this call (0 when already done)."""
    marker = _marker(dynamodb, table, name)
    if marker is None:
        reply = dynamodb.update_item(
            TableName=table,
            Key={"pk": {"S": COUNTERS}, "sk": {"S": "invoice"}},
            UpdateExpression="ADD #value :count",
            ExpressionAttributeNames={"#value": "value"},
            ExpressionAttributeValues={":count": {"N": str(count)}},
            ReturnValues="UPDATED_NEW",
        )
        first_id = int(reply["Attributes"]["value"]["N"]) - count + 1
        claim = SeedMarker("SEED", name, first_id=first_id, size=count, seeded_at=datetime.now(UTC), done=0)
        _put_new(dynamodb, table, claim)  # a concurrent seeder may have claimed first: its ids win
        marker = _marker(dynamodb, table, name)
    if marker is None or marker.done:
        return 0
    invoices = [row(position, int(marker.first_id) + position, marker.seeded_at) for position in range(count)]
    _batch_put(dynamodb, table, invoices)
    dynamodb.update_item(
        TableName=table,
        Key={"pk": {"S": "SEED"}, "sk": {"S": name}},
        UpdateExpression="SET done = :one",
        ExpressionAttributeValues={":one": {"N": "1"}},
    )
    return count


def _invoice(
    invoice_id: int, *, user_id: int, kind: str, value: Decimal, paid_at: datetime | None, created_at: datetime
) -> Invoice:
    return Invoice(
        *Invoice.key(invoice_id),
        invoice_id=invoice_id,
        user_id=user_id,
        type=kind,
        paid=1 if paid_at else 0,
        value=value,
        payment_date=paid_at,
        created_at=created_at,
        updated_at=paid_at or created_at,
    ).shard_index_keys()


def _marker(dynamodb: Any, table: str, name: str) -> SeedMarker | None:
    item = dynamodb.get_item(TableName=table, Key={"pk": {"S": "SEED"}, "sk": {"S": name}}, ConsistentRead=True)
    if "Item" not in item:
        return None
    marker = SeedMarker()
    marker.deserialize(item["Item"])
    return marker


def _exists(dynamodb: Any, table: str, key: tuple[str, str]) -> bool:
    found = dynamodb.get_item(TableName=table, Key={"pk": {"S": key[0]}, "sk": {"S": key[1]}}, ConsistentRead=True)
    return "Item" in found


def _put_new(dynamodb: Any, table: str, item: Any) -> int:
    """1 when written, 0 when an item with that key was there already."""
    try:
        dynamodb.put_item(TableName=table, Item=item.serialize(), ConditionExpression="attribute_not_exists(pk)")
    except ClientError as exc:
        if exc.response["Error"]["Code"] != CONDITION_FAILED:
            raise
        return 0
    return 1


def _batch_put(dynamodb: Any, table: str, items: Sequence[Any]) -> None:
    for start in range(0, len(items), 25):
        requests = [{"PutRequest": {"Item": item.serialize()}} for item in items[start : start + 25]]
        pending: dict[str, Any] = {table: requests}
        while pending:
            pending = dynamodb.batch_write_item(RequestItems=pending).get("UnprocessedItems") or {}
