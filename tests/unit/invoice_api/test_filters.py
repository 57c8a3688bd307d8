"""`field[op]=value` parsing, the predicate (SQL semantics) and which index queries serve a set of filters."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from invoice_api.errors import InvalidFilter
from invoice_api.filters import Bounds, IndexQuery, matches, parse, plan

PAID_ON_30_11 = datetime(2023, 11, 30, 11, 59, 47, tzinfo=UTC)  # 08:59:47 in São Paulo


def invoice(**fields):
    return {"type": "B", "paid": 1, "value": Decimal("9918.00"), "payment_date": PAID_ON_30_11, "user_id": 2} | fields


def keeps(query: dict[str, str], **fields) -> bool:
    return matches(parse(query), invoice(**fields))


def test_only_the_five_fields_are_filters_and_other_parameters_are_ignored():
    conditions = parse(
        {"paid[eq]": "1", "page": "2", "per_page": "5", "customer[eq]": "x", "foo": "bar", "Paid[xx]": ""}
    )
    assert [(c.field, c.op, c.values) for c in conditions] == [("paid", "eq", (1,))]


@pytest.mark.parametrize(
    "query",
    [
        {"paid[xx]": "1"},  # unknown op
        {"paid[EQ]": "1"},  # ops are lower case
        {"paid": "1"},  # a filter field without an op
        {"paid[]": "1"},
        {"paid[eq][x]": "1"},
        {"paid[eq": "1"},
        {"paid[eq]": "2"},
        {"paid[eq]": ""},
        {"paid[eq]": "1,0"},  # a repeated parameter, joined by the gateway
        {"type[eq]": "X"},
        {"type[in]": "P,,B"},
        {"value[gt]": "9,918.00"},
        {"value[gt]": "abc"},
        {"value[gt]": "1e3"},
        {"value[gt]": "NaN"},
        {"user_id[eq]": "one"},
        {"user_id[eq]": "-1"},
        {"user_id[eq]": "1.5"},
        {"payment_date[gt]": "30/11/2023"},
        {"payment_date[gt]": "2023-13-01"},
        {"payment_date[gt]": "2023-W48"},
        {"payment_date[gt]": "yesterday"},
        {"user_id[in]": ",".join(str(n) for n in range(101))},  # more than 100 values
    ],
)
def test_malformed_filters_are_refused(query):
    with pytest.raises(InvalidFilter):
        parse(query)


def test_values_are_read_as_their_types():
    conditions = parse(
        {
            "type[in]": "P, b,Cartão",
            "value[gte]": "9000.5",
            "user_id[eq]": "3",
            "payment_date[lt]": "2023-11-30T08:59:47",
        }
    )
    kinds, value, user, date = conditions
    assert kinds.values == ("P", "B", "C")
    assert value.values == (Decimal("9000.5"),)
    assert user.values == (3,)
    assert date.values[0].start == PAID_ON_30_11  # a date-time without offset is São Paulo time


@pytest.mark.parametrize(
    ("query", "kept"),
    [
        ({"value[gt]": "9918"}, False),
        ({"value[gt]": "9917.99"}, True),
        ({"value[gte]": "9918.00"}, True),
        ({"value[lt]": "9918"}, False),
        ({"value[lte]": "9918"}, True),
        ({"value[eq]": "9918"}, True),
        ({"value[ne]": "9918"}, False),
        ({"value[in]": "1,9918.0"}, True),
        ({"value[gt]": "9917.995"}, True),
        ({"type[eq]": "B"}, True),
        ({"type[ne]": "B"}, False),
        ({"type[in]": "P,C"}, False),
        ({"type[gt]": "B"}, False),  # compared as the stored letters, B < C < P
        ({"type[gte]": "B"}, True),
        ({"type[lt]": "C"}, True),
        ({"type[lte]": "P"}, True),
        ({"paid[eq]": "1"}, True),
        ({"paid[ne]": "1"}, False),
        ({"paid[gt]": "0"}, True),
        ({"paid[gte]": "1"}, True),
        ({"paid[lt]": "1"}, False),
        ({"paid[lte]": "0"}, False),
        ({"paid[in]": "0,1"}, True),
        ({"user_id[eq]": "2"}, True),
        ({"user_id[ne]": "2"}, False),
        ({"user_id[gt]": "1"}, True),
        ({"user_id[gte]": "3"}, False),
        ({"user_id[lt]": "3"}, True),
        ({"user_id[lte]": "1"}, False),
        ({"user_id[in]": "1,3"}, False),
        ({"user_id[in]": "2"}, True),
    ],
)
def test_each_op_on_each_scalar_field(query, kept):
    assert keeps(query) is kept


@pytest.mark.parametrize(
    ("query", "kept"),
    [
        # a date is that whole day in São Paulo
        ({"payment_date[eq]": "2023-11-30"}, True),
        ({"payment_date[ne]": "2023-11-30"}, False),
        ({"payment_date[gt]": "2023-11-30"}, False),
        ({"payment_date[gt]": "2023-11-29"}, True),
        ({"payment_date[gte]": "2023-11-30"}, True),
        ({"payment_date[lt]": "2023-11-30"}, False),
        ({"payment_date[lt]": "2023-12-01"}, True),
        ({"payment_date[lte]": "2023-11-30"}, True),
        ({"payment_date[lte]": "2023-11-29"}, False),
        ({"payment_date[in]": "2023-11-01,2023-11-30"}, True),
        ({"payment_date[in]": "2023-11-01,2023-11-29"}, False),
        # a date-time is an instant, to the second
        ({"payment_date[eq]": "2023-11-30T08:59:47"}, True),
        ({"payment_date[eq]": "2023-11-30T11:59:47Z"}, True),
        ({"payment_date[eq]": "2023-11-30 08:59:47-03:00"}, True),
        ({"payment_date[gt]": "2023-11-30T08:59:47"}, False),
        ({"payment_date[gt]": "2023-11-30T08:59:46"}, True),
        ({"payment_date[gte]": "2023-11-30T08:59:47"}, True),
        ({"payment_date[lt]": "2023-11-30T08:59:47"}, False),
        ({"payment_date[lte]": "2023-11-30T08:59:47"}, True),
        ({"payment_date[ne]": "2023-11-30T08:59:47"}, False),
        ({"payment_date[lt]": "2023-11-30T09:00"}, True),
    ],
)
def test_each_op_on_payment_date(query, kept):
    assert keeps(query) is kept


@pytest.mark.parametrize("op", ["eq", "ne", "gt", "gte", "lt", "lte", "in"])
def test_an_unpaid_invoice_matches_no_payment_date_filter_like_sql_null(op):
    assert keeps({f"payment_date[{op}]": "2023-11-30"}, paid=0, payment_date=None) is False


def test_filters_combine_with_and():
    assert keeps({"paid[eq]": "1", "type[eq]": "B", "value[gt]": "9000"})
    assert not keeps({"paid[eq]": "1", "type[eq]": "P", "value[gt]": "9000"})
    assert keeps({"value[gt]": "9000", "value[lt]": "10000"})
    assert not keeps({"value[gt]": "9000", "value[lt]": "9900"})


def queries(query: dict[str, str]) -> list[IndexQuery]:
    return plan(parse(query))


def test_no_filter_reads_both_partitions_of_by_paid():
    assert queries({}) == [IndexQuery("ByPaid", 0), IndexQuery("ByPaid", 1)]
    assert queries({"value[ne]": "5"}) == [IndexQuery("ByPaid", 0), IndexQuery("ByPaid", 1)]


def test_user_id_eq_and_in_use_by_user_one_query_per_user():
    assert queries({"user_id[eq]": "2", "paid[eq]": "1"}) == [IndexQuery("ByUser", 2)]
    assert queries({"user_id[in]": "3,1,3", "user_id[ne]": "3"}) == [IndexQuery("ByUser", 1)]
    assert queries({"user_id[in]": "1,2", "user_id[eq]": "3"}) == []
    # other user_id ops have no key to query: another index serves them, the predicate filters
    assert queries({"user_id[gt]": "1"}) == [IndexQuery("ByPaid", 0), IndexQuery("ByPaid", 1)]


def test_payment_date_ranges_use_by_payment_date_with_key_bounds():
    day = parse({"payment_date[eq]": "2023-11-30"})[0].values[0]
    assert queries({"payment_date[eq]": "2023-11-30"}) == [IndexQuery("ByPaymentDate", 1, Bounds(day.start, day.end))]
    (after,) = queries({"payment_date[gt]": "2023-11-30", "paid[eq]": "1"})
    assert after.bounds == Bounds(day.end, None)
    (before,) = queries({"payment_date[lte]": "2023-11-30"})
    assert before.bounds == Bounds(None, day.end)
    assert queries({"payment_date[gt]": "2023-11-30", "paid[eq]": "0"}) == []  # unpaid invoices have no date
    assert queries({"payment_date[gt]": "2023-12-01", "payment_date[lt]": "2023-11-01"}) == []
    assert queries({"payment_date[ne]": "2023-11-30"}) == [IndexQuery("ByPaid", 1)]  # ne: no key bound


def test_value_ranges_and_type_subsets_use_by_type():
    value = Decimal("9000")
    assert queries({"value[gt]": "9000"}) == [IndexQuery("ByType", t, Bounds(value, None)) for t in "BCP"]
    assert queries({"type[eq]": "P", "value[lte]": "9000"}) == [IndexQuery("ByType", "P", Bounds(None, value))]
    assert queries({"type[ne]": "P"}) == [IndexQuery("ByType", "B"), IndexQuery("ByType", "C")]
    assert queries({"value[in]": "5,9000"}) == [IndexQuery("ByType", t, Bounds(Decimal(5), value)) for t in "BCP"]
    assert queries({"value[gt]": "10", "value[lt]": "5"}) == []


def test_paid_alone_uses_one_partition_of_by_paid():
    assert queries({"paid[eq]": "0"}) == [IndexQuery("ByPaid", 0)]
    assert queries({"paid[ne]": "0"}) == [IndexQuery("ByPaid", 1)]
    assert queries({"paid[gt]": "0", "paid[lt]": "1"}) == []
