"""Invoice and token ids from blocks of the counter: unique however many environments create at once."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from functools import partial

from invoice_api import ids
from invoice_api.models import Counter, Invoice
from shared.idblocks import IdBlocks
from tests.integration.invoice_api.conftest import Client


def test_ids_are_unique_across_parallel_environments(invoice_table):
    # Given six execution environments (each its own blocks) reserving from the one counter in parallel
    environments = [IdBlocks(first=2, largest=8) for _ in range(6)]

    def take(turn: int) -> int:
        return environments[turn % 6].take(("table", "invoice"), partial(ids.reserve, "invoice"))

    with ThreadPoolExecutor(max_workers=12) as pool:
        taken = list(pool.map(take, range(300)))
    # Then no id is handed out twice, and the counter moved past every one of them
    assert len(set(taken)) == 300
    assert int(Counter.get(*Counter.key("invoice")).value) >= max(taken)


def test_parallel_creations_through_the_api_get_distinct_ids(invoice_table):
    api = Client().login()
    body = {"user_id": 2, "type": "B", "paid": 0, "value": 10}
    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(lambda _: api.call("invoice_create", body), range(24)))
    created = [answer.json["data"]["id"] for answer in answers]
    assert len(set(created)) == 24
    assert all(Invoice.get(*Invoice.key(invoice_id)).user_id == 2 for invoice_id in created)


def test_seeding_reserves_its_ids_from_the_same_counter(invoice_table):
    # Given an environment holding a block, When a seeding reserves ids directly (ids.reserve, as tools/seed.py does)
    first = Client().login().call("invoice_create", {"user_id": 1, "type": "P", "paid": 0, "value": 1})
    seeded = ids.reserve("invoice", 50)
    # Then the seeding's ids are past every id any environment holds
    assert seeded.start > first.json["data"]["id"]
    assert all(Client().login().call("invoice_create").json["data"]["id"] not in seeded for _ in range(3))
