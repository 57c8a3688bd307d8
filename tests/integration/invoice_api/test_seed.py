"""Demo data: the spec's users and a few dozen invoices, seeded once however often seeding runs."""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from invoice_api import users
from invoice_api.models import INDEX_SHARDS, USER_SHARDS, USERS, Invoice, SeedMarker, User, index_shard
from invoice_api.settings import settings
from shared import aws
from tests.integration.invoice_api.conftest import Client
from tools.local.template import Template
from tools.seed import DEMO_VALUES, Seeded, demo_invoice, seed_invoice_api, seed_invoices


@pytest.fixture
def empty_table(template: Template, invoice_table: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    name = f"InvoiceApiSeed-{uuid.uuid4().hex[:8]}"
    spec = {k: v for k, v in template.tables["InvoiceApiTable"].items() if k != "TimeToLiveSpecification"}
    aws.client("dynamodb").create_table(TableName=name, **spec)
    monkeypatch.setenv("TABLE_NAME", name)
    settings.cache_clear()  # the handlers' settings name the table too
    yield name
    monkeypatch.undo()
    settings.cache_clear()


def invoices() -> list[Invoice]:
    return list(Invoice.scan(Invoice.sk == "INVOICE"))


def test_seeding_twice_writes_once(empty_table):
    assert seed_invoice_api() == Seeded(users=3, invoices=len(DEMO_VALUES))
    assert seed_invoice_api() == Seeded(users=0, invoices=0)
    assert [user.email for user in User.everyone()] == [f"example.{n}@example.com" for n in ("one", "two", "three")]
    assert sorted(int(invoice.invoice_id) for invoice in invoices()) == list(range(1, len(DEMO_VALUES) + 1))
    # the counter moved past the demo ids: new invoices never collide with them
    assert Client().login().call("invoice_create").json["data"]["id"] == len(DEMO_VALUES) + 1


def test_the_demo_mixes_users_types_and_states(empty_table):
    seed_invoice_api()
    stored = invoices()
    assert 24 <= len(stored) <= 48
    assert set(Counter(int(i.user_id) for i in stored)) == {1, 2, 3}
    assert set(Counter(i.type for i in stored)) == {"P", "B", "C"}
    assert set(Counter(int(i.paid) for i in stored)) == {0, 1}
    assert all((i.payment_date is None) == (i.paid == 0) for i in stored)
    dates = sorted(i.payment_date for i in stored if i.payment_date)
    assert (dates[-1] - dates[0]).days >= 28  # spread over weeks


def test_a_seeding_cut_short_is_completed_by_the_next_run(empty_table):
    # Given a seeding that reserved its ids and stopped before writing its invoices
    def interrupted(*_: object) -> Invoice:
        raise ConnectionError("stopped")

    with pytest.raises(ConnectionError):
        seed_invoices("demo", len(DEMO_VALUES), interrupted)
    marker = SeedMarker.get("SEED", "demo")
    assert not marker.done and invoices() == []
    # When seeding runs again, Then it writes the same ids and marks the set done
    assert seed_invoices("demo", len(DEMO_VALUES), demo_invoice) == len(DEMO_VALUES)
    assert sorted(int(i.invoice_id) for i in invoices())[0] == marker.first_id
    assert SeedMarker.get("SEED", "demo").done


def test_invoices_stored_before_the_sharded_index_keys_are_listed_again_after_seeding(invoice_table):
    # Given an invoice as stored before the index keys were sharded (no paid_shard / type_shard)
    old = Invoice(*Invoice.key(990_001), invoice_id=990_001, user_id=3, type="C", paid=0, value=Decimal("7.77"))
    old.created_at = old.updated_at = datetime.now(UTC)
    aws.client("dynamodb").put_item(TableName=invoice_table, Item=old.serialize())
    api = Client().login()
    listed = {resource["id"] for resource in api.call("invoices_list", query={"per_page": "1000"}).json["data"]}
    assert 990_001 not in listed
    # When seeding runs (make seed on a deployed stack), Then it gives the invoice its keys, and the list has it
    assert seed_invoice_api().sharded == 1
    stored = Invoice.get(*Invoice.key(990_001))
    assert (stored.paid_shard, stored.type_shard) == ("0#1", "C#1")
    listed = {resource["id"] for resource in api.call("invoices_list", query={"per_page": "1000"}).json["data"]}
    assert 990_001 in listed
    assert seed_invoice_api().sharded == 0


def test_index_keys_of_few_values_are_spread_over_shards(invoice_table):
    stored = invoices()
    for paid in (0, 1):  # (the demo's paid pattern leaves 1#1 empty: ids 1, 5, 9... are unpaid)
        assert len({i.paid_shard for i in stored if i.paid == paid}) >= INDEX_SHARDS - 1
    assert all(i.type_shard == index_shard(i.type, int(i.invoice_id)) for i in stored)


def test_users_are_spread_over_shards_and_those_stored_before_are_found_then_moved_by_seeding(empty_table):
    seed_invoice_api()
    assert {user.pk for user in User.everyone()} == {f"USERS#{user_id % USER_SHARDS}" for user_id in (1, 2, 3)}
    # Given a user stored in the one collection of before (a stack deployed before the shards)
    old = User(*User.legacy_key(77), user_id=77, first_name="Old", last_name="Timer", email="old@example.com")
    old.created_at = datetime.now(UTC)
    old.save()
    # Then the API finds it there, shown and listed in id order with the others
    assert users.show(77).email == "old@example.com"
    assert [user.email for user in users.listing()][-1] == "old@example.com"
    # When seeding runs, Then it moves to its shard, once
    assert seed_invoice_api().moved == 1
    assert list(User.query(USERS)) == []
    assert User.get(*User.key(77)).email == "old@example.com"
    assert seed_invoice_api().moved == 0
