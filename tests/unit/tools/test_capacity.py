"""make capacity's arithmetic: DynamoDB units from requests and answers, key families, the ceilings."""

from __future__ import annotations

from typing import Any

import pytest

from tools.capacity import model
from tools.capacity.units import accesses, item_size
from tools.local.template import Template


def s(text: str) -> dict[str, str]:
    return {"S": text}


def test_writes_cost_a_unit_per_kilobyte_and_transactions_twice():
    small = {"pk": s("COUNTER#waitlist#07"), "sk": s("COUNT"), "value": {"N": "12"}}
    big = {"pk": s("USER#1"), "sk": s("PROFILE"), "bio": s("x" * 1500)}
    (put,) = accesses("PutItem", {"TableName": "T", "Item": big}, {})
    assert (put.kind, put.units, put.attributes["pk"]) == ("write", 2.0, "USER#1")
    transaction = {
        "TransactItems": [
            {"Put": {"TableName": "T", "Item": small}},
            {
                "Update": {
                    "TableName": "T",
                    "Key": {"pk": s("A"), "sk": s("B")},
                    "UpdateExpression": "ADD v :one",
                    "ExpressionAttributeValues": {":one": {"N": "1"}},
                }
            },
        ]
    }
    entry, update = accesses("TransactWriteItems", transaction, {})
    assert (entry.units, update.units, update.transaction, update.key) == (2.0, 2.0, True, {"pk": "A", "sk": "B"})


def test_reads_cost_by_4_kb_half_when_eventually_consistent_and_missing_items_the_minimum():
    item = {"pk": s("USERS"), "sk": s("000000000001"), "name": s("y" * 5000)}
    assert item_size(item) > 4096
    (get,) = accesses("GetItem", {"TableName": "T", "Key": {"pk": s("USERS"), "sk": s("1")}}, {"Item": item})
    assert get.units == 1.0  # two 4 KB blocks, eventually consistent
    keys = [{"pk": s("COUNTER#waitlist#00"), "sk": s("COUNT")}, {"pk": s("COUNTER#waitlist#01"), "sk": s("COUNT")}]
    found = {"Responses": {"T": [{**keys[0], "value": {"N": "3"}}]}}
    batch = accesses("BatchGetItem", {"RequestItems": {"T": {"Keys": keys, "ConsistentRead": True}}}, found)
    assert [read.units for read in batch] == [1.0, 1.0]
    query = {
        "TableName": "T",
        "IndexName": "ByPaidShard",
        "KeyConditionExpression": "#0 = :0",
        "ExpressionAttributeNames": {"#0": "paid_shard"},
        "ExpressionAttributeValues": {":0": s("1#3")},
    }
    (page,) = accesses("Query", query, {"Items": [item, item]})
    assert (page.key, page.index, page.units) == ({"paid_shard": "1#3"}, "ByPaidShard", 1.5)


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("COUNTER#waitlist#07", "COUNTER#waitlist#*"),
        ("COUNTER#waitlist", "COUNTER#waitlist"),
        ("USER#0b6f3f7e-8a1c-4c52-9a77-1b1c1d1e1f20", "USER#*"),
        ("WAITLIST#jean@example.com", "WAITLIST#*"),
        ("FREE#5f0c9d2e4b7a1c3d5e7f9a0b1c2d3e4f#2026-11-30", "FREE#*#*"),
        ("USERS", "USERS"),
    ],
)
def test_families_hide_what_varies_between_users(key, expected):
    assert model.family(key) == expected


def invocation(number: int, caller: str) -> dict[str, Any]:
    return {
        "type": "invocation",
        "invocation": f"i{number}",
        "function": "CinqWaitlistJoinFunction",
        "route": "POST /api/waitlist",
        "caller": caller,
        "ms": 50.0,
        "cpu_ms": 20.0,
        "queued_ms": 0.0,
        "aws_ms": 10.0,
        "calls": {"dynamodb": 2},
        "memory_mb": 1769,
    }


def sign_up(number: int, counter: str) -> dict[str, Any]:
    entry = {"pk": s(f"WAITLIST#u{number}@example.com"), "sk": s("ENTRY")}
    shard = {"pk": s(counter), "sk": s("COUNT")}
    items = [
        {"Put": {"TableName": "CinqTable", "Item": entry}},
        {"Update": {"TableName": "CinqTable", "Key": shard, "UpdateExpression": "ADD v :o"}},
    ]
    found = accesses("TransactWriteItems", {"TransactItems": items}, {})
    return {
        "type": "call",
        "invocation": f"i{number}",
        "function": "CinqWaitlistJoinFunction",
        "operation": "TransactWriteItems",
        "accesses": [access.as_json() for access in found],
    }


def test_one_counter_for_every_sign_up_sets_the_ceiling_and_shards_lift_it():
    template = Template()
    one = [r for n in range(40) for r in (invocation(n, f"127.0.0.{n + 2}"), sign_up(n, "COUNTER#waitlist"))]
    single = model.analyse("cinq", one, template)
    # Every request is a transaction on the one counter: 20 transactions a second per item is the ceiling
    assert single.ceiling.what == "DynamoDB: transactions on one item"
    assert single.ceiling.requests_per_second == pytest.approx(20)
    assert single.hottest_item() == (("CinqTable", "COUNTER#waitlist COUNT"), 0.5)
    # With 32 shards drawn in turn, each takes 1/32 of the sign-ups: 640 a second
    spread = [
        r for n in range(40) for r in (invocation(n, f"127.0.0.{n + 2}"), sign_up(n, f"COUNTER#waitlist#{n % 32:02d}"))
    ]
    sharded = model.analyse("cinq", spread, template)
    transactions = next(c for c in sharded.ceilings if c.what == "DynamoDB: transactions on one item")
    assert transactions.requests_per_second == pytest.approx(20 * 40 / (40 / 32))  # each shard: 1/32 of them
    assert model.shard_group("COUNTER#waitlist#07 COUNT") == "COUNTER#waitlist#* COUNT"
    # A sample that misses some shards: they are counted from the highest number seen, not from those seen
    few = [
        r
        for n in range(12)
        for r in (invocation(n, f"127.0.0.{n + 2}"), sign_up(n, f"COUNTER#waitlist#{(0, 1, 31)[n % 3]:02d}"))
    ]
    sampled = next(c for c in model.analyse("cinq", few, template).ceilings if c.what.endswith("one item"))
    assert sampled.requests_per_second == pytest.approx(20 * 12 / (12 / 32))  # 32 shards, 3 of them seen
    assert sharded.shared("CinqTable", "COUNTER#waitlist#00")
    assert not sharded.shared("CinqTable", "WAITLIST#u1@example.com")  # each user's own entry


def test_lambda_duration_is_cpu_scaled_to_memory_plus_calls():
    record = {
        "ms": 900.0,
        "cpu_ms": 100.0,
        "queued_ms": 600.0,
        "aws_ms": 150.0,
        "memory_mb": 512,
        "calls": {"dynamodb": 3, "s3": 1},
    }
    # 100 ms of CPU at 512 MB (3.46x slower than one vCPU), 3 x 6 ms, 1 x 25 ms, 50 ms waiting on the rest
    assert model.lambda_ms(record) == pytest.approx(100 * 1769 / 512 + 18 + 25 + 50)


def visit(number: int, function: str, route: str, cpu_ms: float) -> dict[str, Any]:
    return {
        "type": "invocation",
        "invocation": f"v{number}",
        "function": function,
        "route": route,
        "caller": f"127.0.1.{number % 200 + 2}",
        "ms": cpu_ms,
        "cpu_ms": cpu_ms,
        "calls": {},
        "memory_mb": 1769,
    }


def test_throttles_the_template_sets_are_parameters_the_design_ceiling_leaves_out():
    # Given invoice_api's mix: one login (argon2, 300 ms) in five requests, the rest listing invoices (100 ms)
    records = [
        visit(n, "InvoiceApiLoginFunction", "POST /api/v1/login", 300.0)
        if n % 5 == 0
        else visit(n, "InvoiceApiInvoicesListFunction", "GET /api/v1/invoices", 100.0)
        for n in range(1, 101)  # the first of each function is a cold start, left out of the durations
    ]
    defaults = model.analyse("invoice_api", records, Template(overrides={}))
    # Then with the template's defaults, the login route's throttle (10/s, a fifth of the mix) sets the ceiling
    assert defaults.ceiling.what == "API Gateway: POST /api/v1/login"
    assert defaults.ceiling.requests_per_second == pytest.approx(10 / 0.2)
    assert defaults.ceiling.parameter == "AuthThrottlingRateLimit"
    reserved = next(c for c in defaults.ceilings if c.what == "Lambda: InvoiceApiLoginFunction reserved")
    assert reserved.parameter == "PasswordHashingReservedConcurrency"
    assert reserved.requests_per_second == pytest.approx(10 / (0.2 * 0.3))
    # The design's ceiling is the lowest limit no parameter sets: the account's concurrency over the mean duration
    assert defaults.design_ceiling.what == "Lambda: account concurrency"
    assert defaults.design_ceiling.requests_per_second == pytest.approx(1000 / (0.2 * 0.3 + 0.8 * 0.1))
    # And 1,000 requests/s of the mix needs each parameter at its share of it
    assert defaults.needed(1000) == {
        "AuthThrottlingRateLimit": 200,
        "ApiThrottlingRateLimit": 800,
        "PasswordHashingReservedConcurrency": 60,
    }
    raised = Template(overrides={name: str(value) for name, value in defaults.needed(1000).items()})
    assert model.analyse("invoice_api", records, raised).ceiling.requests_per_second == pytest.approx(1000)
