"""Demo data: the spec's users and a few dozen invoices, seeded once however often seeding runs."""

from __future__ import annotations

import uuid
from collections import Counter

import pytest

from invoice_api.models import Invoice, SeedMarker, User
from invoice_api.seed import DEMO_VALUES, Seeded, demo_invoice, seed_demo_data, seed_invoices
from shared import aws
from tests.integration.invoice_api.conftest import Client
from tools.local.template import Template


@pytest.fixture
def empty_table(template: Template, invoice_table: str, monkeypatch: pytest.MonkeyPatch) -> str:
    name = f"InvoiceApiSeed-{uuid.uuid4().hex[:8]}"
    spec = {k: v for k, v in template.tables["InvoiceApiTable"].items() if k != "TimeToLiveSpecification"}
    aws.client("dynamodb").create_table(TableName=name, **spec)
    monkeypatch.setenv("TABLE_NAME", name)
    return name


def invoices() -> list[Invoice]:
    return list(Invoice.scan(Invoice.sk == "INVOICE"))


def test_seeding_twice_writes_once(empty_table):
    dynamodb = aws.client("dynamodb")
    assert seed_demo_data(dynamodb, empty_table) == Seeded(users=3, invoices=len(DEMO_VALUES))
    assert seed_demo_data(dynamodb, empty_table) == Seeded(users=0, invoices=0)
    assert [user.email for user in User.query("USERS")] == [f"example.{n}@example.com" for n in ("one", "two", "three")]
    assert sorted(int(invoice.invoice_id) for invoice in invoices()) == list(range(1, len(DEMO_VALUES) + 1))
    # the counter moved past the demo ids: new invoices never collide with them
    assert Client().login().call("invoice_create").json["data"]["id"] == len(DEMO_VALUES) + 1


def test_the_demo_mixes_users_types_and_states(empty_table):
    seed_demo_data(aws.client("dynamodb"), empty_table)
    stored = invoices()
    assert 24 <= len(stored) <= 48
    assert set(Counter(int(i.user_id) for i in stored)) == {1, 2, 3}
    assert set(Counter(i.type for i in stored)) == {"P", "B", "C"}
    assert set(Counter(int(i.paid) for i in stored)) == {0, 1}
    assert all((i.payment_date is None) == (i.paid == 0) for i in stored)
    dates = sorted(i.payment_date for i in stored if i.payment_date)
    assert (dates[-1] - dates[0]).days >= 28  # spread over weeks


def test_a_seeding_cut_short_is_completed_by_the_next_run(empty_table):
    dynamodb = aws.client("dynamodb")

    # Given a seeding that reserved its ids and stopped before writing its invoices
    def interrupted(*_: object) -> Invoice:
        raise ConnectionError("stopped")

    with pytest.raises(ConnectionError):
        seed_invoices(dynamodb, empty_table, "demo", len(DEMO_VALUES), interrupted)
    marker = SeedMarker.get("SEED", "demo")
    assert not marker.done and invoices() == []
    # When seeding runs again, Then it writes the same ids and marks the set done
    assert seed_invoices(dynamodb, empty_table, "demo", len(DEMO_VALUES), demo_invoice) == len(DEMO_VALUES)
    assert sorted(int(i.invoice_id) for i in invoices())[0] == marker.first_id
    assert SeedMarker.get("SEED", "demo").done
