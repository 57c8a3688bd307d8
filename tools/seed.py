"""Demo data, written through each API's own code (models, id counters, password hashing). Idempotent.

- invoice_api: the spec's three users (ids 1..3, password `password`) and a few dozen invoices; invoices stored
  before the sharded index keys get theirs, and users stored in the one collection of before move to their
  shards, so `make seed` also migrates a deployed table;
- cinq, on the local stack only: the spec's example gift code CINQ-A1B2-C3D4-E5F6 (15.00 EUR), so its curl
  flow works verbatim.

The seeding code runs as the API's functions do, reading TABLE_NAME: on the local stack in a function's
template environment (the local server calls `seed_demo` right after creating its tables, so every run has the
demo), on a deployed stack (`make seed`) with the table CloudFormation names. A set of invoices reserves its
ids from the invoice counter once (`ids.reserve`, as the API does), records them in a SEED marker, and
rewrites the same ids until the marker says done: running again adds nothing, and a seeding cut short is
completed by the next run.
"""

from __future__ import annotations

import argparse
import os
import sys
import tomllib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from functools import partial
from typing import TYPE_CHECKING

import boto3

from tools.local import bootstrap
from tools.local.local_values import MOTO_PORT
from tools.local.template import SAMCONFIG, Template

bootstrap.install()  # the functions' code, on Lambda's import paths

if TYPE_CHECKING:
    from pynamodb.expressions.update import Action

    from invoice_api.models import Invoice, SeedMarker

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
CINQ_DEMO_CODE = "CINQ-A1B2-C3D4-E5F6"
Row = Callable[[int, int, datetime], "Invoice"]  # (position in the set, invoice id, seeding time) -> invoice


@dataclass(frozen=True)
class Seeded:
    users: int
    invoices: int
    sharded: int = 0  # invoices written before the sharded index keys, given theirs
    moved: int = 0  # users stored in the one collection of before, moved to their shards


# ------------------------------------------------------------------ invoice_api


def seed_invoice_api() -> Seeded:
    """The demo users and invoices in TABLE_NAME's table."""
    moved = shard_users()  # first: a demo user stored before keeps its item
    users = ensure_demo_users()
    invoices = seed_invoices("demo", len(DEMO_VALUES), demo_invoice)
    return Seeded(users, invoices, shard_index_keys(), moved)


def shard_users() -> int:
    """Users stored in the one collection of before (`USERS`) move to their shard: copied, then deleted.

    The API looks for a user missing from its shard in the old collection, so every user is found throughout; a
    copy already there (a move cut short) is kept, and the old item deleted.
    """
    from invoice_api.models import User
    from shared.dynamo import applied

    moved = 0
    for stored in User.stored_before_the_shards():
        attributes = {name: value for name, value in stored.attribute_values.items() if name not in ("pk", "sk")}
        user = User(*User.key(int(stored.user_id)), **attributes)
        moved += applied(partial(user.save, condition=User.pk.does_not_exist()))
        stored.delete()
    return moved


def ensure_demo_users() -> int:
    """The demo users that were missing, written (names and e-mail, then credentials, each only when missing)."""
    from invoice_api.models import Login, User
    from shared.dynamo import applied
    from shared.passwords import hash_password

    created = 0
    for user_id, first_name, last_name, email in DEMO_USERS:
        user = User(*User.key(user_id), user_id=user_id, first_name=first_name, last_name=last_name, email=email)
        user.created_at = datetime.now(UTC)
        created += applied(partial(user.save, condition=User.pk.does_not_exist()))
        try:
            Login.get(*Login.key(email), consistent_read=True)
        except Login.DoesNotExist:  # hashed only when missing: argon2 is slow on purpose
            login = Login(*Login.key(email), user_id=user_id, password_hash=hash_password(DEMO_PASSWORD))
            applied(partial(login.save, condition=Login.pk.does_not_exist()))
    return created


def seed_invoices(name: str, count: int, row: Row) -> int:
    """Write the set `name` of `count` invoices once; the number written by this call (0 when already done)."""
    from invoice_api import ids
    from invoice_api.models import Invoice, SeedMarker
    from shared.dynamo import applied

    marker = _marker(name)
    if marker is None:
        reserved = ids.reserve("invoice", count)
        claim = SeedMarker(
            *SeedMarker.key(name), first_id=reserved.start, size=count, seeded_at=datetime.now(UTC), done=0
        )
        applied(partial(claim.save, condition=SeedMarker.pk.does_not_exist()))  # a concurrent seeder's ids win
        marker = _marker(name)
    if marker is None or marker.done:
        return 0
    with Invoice.batch_write() as batch:
        for position in range(count):
            batch.save(row(position, int(marker.first_id) + position, marker.seeded_at))
    marker.update(actions=[SeedMarker.done.set(1)])
    return count


def shard_index_keys() -> int:
    """Invoices stored before the sharded index keys (invoice_api/models.py) get theirs, so the list sees them.

    Each update is conditioned on the paid state and type it was computed from: an invoice changed meanwhile
    through the API has its keys already (or gets them at the next run).
    """
    from invoice_api.models import Invoice
    from shared.dynamo import applied

    done = 0
    for stored in Invoice.scan(Invoice.invoice_id.exists() & Invoice.paid_shard.does_not_exist()):
        computed_from = (Invoice.paid == stored.paid) & (Invoice.type == stored.type)
        keys = stored.shard_index_keys()
        actions: list[Action] = [Invoice.paid_shard.set(keys.paid_shard), Invoice.type_shard.set(keys.type_shard)]
        done += applied(partial(stored.update, actions=actions, condition=computed_from))
    return done


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


def _invoice(
    invoice_id: int, *, user_id: int, kind: str, value: Decimal, paid_at: datetime | None, created_at: datetime
) -> Invoice:
    from invoice_api.models import Invoice

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


def _marker(name: str) -> SeedMarker | None:
    from invoice_api.models import SeedMarker

    try:
        return SeedMarker.get("SEED", name, consistent_read=True)
    except SeedMarker.DoesNotExist:
        return None


# ------------------------------------------------------------------ cinq


def seed_cinq_gift() -> str:
    """The spec's example gift code, active (local only: anyone who reads the spec could redeem it)."""
    from cinq import gifts
    from cinq.models import GiftCode
    from shared.dynamo import applied

    code, gift = gifts.draft(
        amount_cents=1500,
        currency="EUR",
        expires_days=730,
        source="admin",
        code=CINQ_DEMO_CODE,
        purchase_order_id="demo",
    )
    return code if applied(partial(gift.save, condition=GiftCode.pk.does_not_exist())) else "already seeded"


# ------------------------------------------------------------------ where


LOCAL_SEEDS: dict[str, Callable[[], object]] = {"invoice_api": seed_invoice_api, "cinq": seed_cinq_gift}
DEPLOYED_SEEDS: dict[str, Callable[[], object]] = {"invoice_api": seed_invoice_api}


def seed_demo(template: Template, endpoint: str) -> dict[str, object]:
    """Seed the local stack (moto at `endpoint`): each API's demo data, in its first function's environment."""
    seeded = {}
    for api, seed in LOCAL_SEEDS.items():
        with local_environment(template, api, endpoint):
            seeded[api] = seed()
    return seeded


@contextmanager
def local_environment(template: Template, api: str, endpoint: str) -> Iterator[None]:
    """The API's code runs as its first function would on the local stack (moto at `endpoint`)."""
    function = template.functions[template.api(api).routes[0].function]
    with bootstrap.function_environment(function, endpoint), _fresh_clients():
        yield


def seed_stack(stack_name: str, region: str | None) -> dict[str, object]:
    """Seed a deployed stack: each API's table is found through CloudFormation by its logical id."""
    template = Template(overrides={})
    cloudformation = boto3.session.Session(region_name=region).client("cloudformation")
    seeded = {}
    for api, seed in DEPLOYED_SEEDS.items():
        # Locally a table is named after its logical id: the local TABLE_NAME is the id to look up.
        logical_id = template.functions[template.api(api).routes[0].function].environment["TABLE_NAME"]
        resource = cloudformation.describe_stack_resource(StackName=stack_name, LogicalResourceId=logical_id)
        table = resource["StackResourceDetail"]["PhysicalResourceId"]
        region_variables = {"AWS_REGION": region, "AWS_DEFAULT_REGION": region} if region else {}
        with _environment(TABLE_NAME=table, **region_variables), _fresh_clients():
            seeded[api] = seed()
    return seeded


@contextmanager
def _environment(**variables: str) -> Iterator[None]:
    saved = dict(os.environ)
    os.environ.update(variables)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


@contextmanager
def _fresh_clients() -> Iterator[None]:
    """The shared AWS clients built for this environment's endpoint and region, and forgotten after."""
    from shared import aws

    aws.reset()
    try:
        yield
    finally:
        aws.reset()


def deployed_stack(config_env: str) -> tuple[str, str | None]:
    """(stack name, region) of a samconfig.toml environment, as `sam deploy --config-env` would use."""
    config = tomllib.loads(SAMCONFIG.read_text())
    section = config.get(config_env, {})
    stack = section.get("global", {}).get("parameters", {}).get("stack_name")
    region = section.get("deploy", {}).get("parameters", {}).get("region")
    if not stack:
        sys.exit(f"samconfig.toml has no stack_name for [{config_env}]")
    return str(stack), region


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--local", action="store_true", help=f"the local stack (moto on 127.0.0.1:{MOTO_PORT})")
    where.add_argument("--config-env", default="default", help="samconfig.toml environment (default, prod)")
    parser.add_argument("--stack-name", help="a stack name, instead of samconfig.toml's")
    parser.add_argument("--region", help="its region, instead of samconfig.toml's")
    args = parser.parse_args()
    if args.local:
        seeded = seed_demo(Template(), f"http://127.0.0.1:{MOTO_PORT}")
    else:
        stack, region = deployed_stack(args.config_env)
        seeded = seed_stack(args.stack_name or stack, args.region or region)
    for api, outcome in seeded.items():
        print(f"{api}: {outcome}")


if __name__ == "__main__":
    main()
