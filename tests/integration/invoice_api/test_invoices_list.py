"""GET /api/v1/invoices: the spec's example, every op on every filter field against an independent oracle,
combinations, refusals, and Laravel's pagination."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from invoice_api.formatting import TIMEZONE
from invoice_api.models import Invoice
from tools.seed import bulk_invoice, seed_invoices

INVALID = {"message": "Invalid filter", "status": 400, "data": []}


@pytest.fixture(scope="module")
def stored(invoice_table: str) -> list[Invoice]:
    """The demo invoices and 150 more, as stored (the oracle reads them all)."""
    seed_invoices("bulk", 150, bulk_invoice)
    return sorted(Invoice.scan(Invoice.sk == "INVOICE"), key=lambda invoice: int(invoice.invoice_id))


def listed(api, query: dict[str, str]) -> list[int]:
    answer = api.call("invoices_list", query={**query, "per_page": "1000"})
    assert answer.status == 200, answer.json
    assert answer.json["meta"]["total"] == len(answer.json["data"])
    return [resource["id"] for resource in answer.json["data"]]


def day(invoice: Invoice) -> date | None:
    return invoice.payment_date.astimezone(TIMEZONE).date() if invoice.payment_date else None


def test_the_specs_example_every_paid_invoice(api, stored):
    answer = api.call("invoices_list")  # ?paid[eq]=1
    assert answer.status == 200 and list(answer.json) == ["data", "links", "meta"]
    assert {resource["paid"] for resource in answer.json["data"]} == {"Pago"}
    assert [r["id"] for r in answer.json["data"]] == [int(i.invoice_id) for i in stored if i.paid == 1][:100]
    second, third = answer.json["data"][:2]
    assert list(second) == ["user", "type", "value", "paid", "paymentDate", "paymentSince", "id"]
    assert (second["user"]["fullName"], second["type"], second["value"], second["paymentSince"]) == (
        "Example Two",
        "Boleto",
        "R$ 9,918.00",
        "há 2 semanas",
    )
    assert (third["user"]["fullName"], third["type"], third["value"]) == ("Example Three", "Cartão", "R$ 9,918.00")


def test_no_filter_lists_every_invoice_in_id_order(api, stored):
    assert listed(api, {}) == [int(invoice.invoice_id) for invoice in stored]


def cases(stored: list[Invoice]) -> list[tuple[dict[str, str], Callable[[Invoice], bool]]]:
    paid = [invoice for invoice in stored if invoice.paid == 1]
    some_day = day(paid[5])
    other_day = day(paid[40])
    instant = paid[7].payment_date.astimezone(TIMEZONE).strftime("%Y-%m-%dT%H:%M:%S")
    value = stored[10].value
    v = Decimal
    return [
        ({"type[eq]": "P"}, lambda i: i.type == "P"),
        ({"type[ne]": "P"}, lambda i: i.type != "P"),
        ({"type[in]": "P,C"}, lambda i: i.type in ("P", "C")),
        ({"type[gt]": "B"}, lambda i: i.type in ("C", "P")),
        ({"type[gte]": "C"}, lambda i: i.type in ("C", "P")),
        ({"type[lt]": "P"}, lambda i: i.type in ("B", "C")),
        ({"type[lte]": "B"}, lambda i: i.type == "B"),
        ({"paid[eq]": "0"}, lambda i: i.paid == 0),
        ({"paid[ne]": "1"}, lambda i: i.paid == 0),
        ({"paid[gt]": "0"}, lambda i: i.paid == 1),
        ({"paid[gte]": "1"}, lambda i: i.paid == 1),
        ({"paid[lt]": "1"}, lambda i: i.paid == 0),
        ({"paid[lte]": "0"}, lambda i: i.paid == 0),
        ({"paid[in]": "0,1"}, lambda i: True),
        ({"value[gt]": "10000"}, lambda i: i.value > 10000),
        ({"value[gte]": str(value)}, lambda i: i.value >= value),
        ({"value[lt]": "500.5"}, lambda i: i.value < v("500.5")),
        ({"value[lte]": str(value)}, lambda i: i.value <= value),
        ({"value[eq]": str(value)}, lambda i: i.value == value),
        ({"value[ne]": str(value)}, lambda i: i.value != value),
        ({"value[in]": f"9918,{value},1"}, lambda i: i.value in (v(9918), value, v(1))),
        ({"payment_date[gt]": str(some_day)}, lambda i: i.payment_date is not None and day(i) > some_day),
        ({"payment_date[gte]": str(some_day)}, lambda i: i.payment_date is not None and day(i) >= some_day),
        ({"payment_date[lt]": str(some_day)}, lambda i: i.payment_date is not None and day(i) < some_day),
        ({"payment_date[lte]": str(some_day)}, lambda i: i.payment_date is not None and day(i) <= some_day),
        ({"payment_date[eq]": str(some_day)}, lambda i: day(i) == some_day),
        ({"payment_date[ne]": str(some_day)}, lambda i: i.payment_date is not None and day(i) != some_day),
        ({"payment_date[in]": f"{some_day},{other_day}"}, lambda i: day(i) in (some_day, other_day)),
        ({"payment_date[eq]": instant}, lambda i: i.payment_date == paid[7].payment_date),
        ({"payment_date[gt]": instant}, lambda i: i.payment_date is not None and i.payment_date > paid[7].payment_date),
        ({"user_id[eq]": "2"}, lambda i: i.user_id == 2),
        ({"user_id[ne]": "2"}, lambda i: i.user_id != 2),
        ({"user_id[gt]": "1"}, lambda i: i.user_id > 1),
        ({"user_id[gte]": "2"}, lambda i: i.user_id >= 2),
        ({"user_id[lt]": "3"}, lambda i: i.user_id < 3),
        ({"user_id[lte]": "1"}, lambda i: i.user_id <= 1),
        ({"user_id[in]": "1,3"}, lambda i: i.user_id in (1, 3)),
        ({"user_id[eq]": "2", "paid[eq]": "1"}, lambda i: i.user_id == 2 and i.paid == 1),
        (
            {"user_id[in]": "1,2", "type[ne]": "B", "value[gt]": "1000"},
            lambda i: i.user_id in (1, 2) and i.type != "B" and i.value > 1000,
        ),
        (
            {"paid[eq]": "1", "payment_date[gte]": str(other_day), "payment_date[lte]": str(some_day)},
            lambda i: i.payment_date is not None and other_day <= day(i) <= some_day,
        ),
        (
            {"type[eq]": "C", "value[gte]": "100", "value[lt]": "5000"},
            lambda i: i.type == "C" and 100 <= i.value < 5000,
        ),
        ({"value[gt]": "5000", "paid[eq]": "0"}, lambda i: i.value > 5000 and i.paid == 0),
        (
            {"payment_date[lt]": str(some_day), "user_id[gt]": "1"},
            lambda i: i.payment_date is not None and day(i) < some_day and i.user_id > 1,
        ),
        ({"paid[eq]": "0", "payment_date[gt]": "2000-01-01"}, lambda i: False),
        ({"unknown[eq]": "1", "customer": "x"}, lambda i: True),
    ]


def test_every_op_on_every_field_and_combinations_match_the_oracle(api, stored):
    for query, expected in cases(stored):
        wanted = [int(invoice.invoice_id) for invoice in stored if expected(invoice)]
        assert listed(api, query) == wanted, query


@pytest.mark.parametrize(
    "query",
    [
        {"paid[xx]": "1"},
        {"paid": "1"},
        {"paid[eq]": "yes"},
        {"type[in]": "P,X"},
        {"value[gt]": "R$ 10"},
        {"payment_date[eq]": "30/11/2023"},
        {"user_id[eq]": "one"},
        {"per_page": "0"},
        {"per_page": "1001"},
        {"page": "0"},
        {"page": "x"},
    ],
)
def test_malformed_filters_are_400_invalid_filter(api, stored, query):
    answer = api.call("invoices_list", query=query)
    assert (answer.status, answer.json) == (400, INVALID), query


def test_pages_follow_laravel(api, stored):
    ids = [int(invoice.invoice_id) for invoice in stored if invoice.paid == 1]
    query = {"paid[eq]": "1", "per_page": "7", "page": "2"}
    answer = api.call("invoices_list", query=query).json
    assert [resource["id"] for resource in answer["data"]] == ids[7:14]
    base = "http://127.0.0.1:3003/api/v1/invoices"
    assert answer["links"] == {
        "first": f"{base}?paid%5Beq%5D=1&per_page=7&page=1",
        "last": f"{base}?paid%5Beq%5D=1&per_page=7&page={-(-len(ids) // 7)}",
        "prev": f"{base}?paid%5Beq%5D=1&per_page=7&page=1",
        "next": f"{base}?paid%5Beq%5D=1&per_page=7&page=3",
    }
    meta: dict[str, Any] = answer["meta"]
    assert (meta["current_page"], meta["from"], meta["to"], meta["per_page"], meta["total"]) == (2, 8, 14, 7, len(ids))
    assert meta["path"] == base
    beyond = api.call("invoices_list", query={**query, "page": "999"}).json
    assert beyond["data"] == [] and beyond["meta"]["from"] is None


def test_the_default_page_is_100_invoices(api, stored):
    answer = api.call("invoices_list", query={}).json
    assert len(answer["data"]) == 100 and answer["meta"]["per_page"] == 100
    assert answer["meta"]["total"] == len(stored) and answer["links"]["next"].endswith("page=2")


def test_https_links_behind_api_gateway(api, stored):
    answer = api.call("invoices_list", headers={"x-forwarded-proto": "https", "host": "abc.execute-api.aws"})
    assert answer.json["meta"]["path"] == "https://abc.execute-api.aws/api/v1/invoices"
