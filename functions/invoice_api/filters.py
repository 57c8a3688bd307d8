"""`field[op]=value` filters on the invoice list: parsing, the predicate, and which index queries serve them.

Like the original's whitelist, only type, paid, value, payment_date and user_id are filters; other
parameters are ignored. A filter field with an unknown operator or a value it cannot hold is refused.
Several filters combine with AND; `in` takes a comma-separated list. Comparisons follow SQL: an unpaid
invoice (no payment_date) matches no payment_date filter, `ne` included.

A payment_date value is an ISO date or date-time; a date means that whole day in São Paulo (`eq` is
"paid that day", `gt` "after that day", `lte` "up to the end of that day"), a date-time without an
offset is São Paulo time.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from invoice_api.errors import InvalidFilter
from invoice_api.formatting import TIMEZONE

FIELDS = ("type", "paid", "value", "payment_date", "user_id")
OPS = ("gt", "gte", "lt", "lte", "eq", "ne", "in")
MAX_LIST = 100
TYPE_NAMES = {"p": "P", "pix": "P", "b": "B", "boleto": "B", "c": "C", "cartão": "C", "cartao": "C"}

_KEY = re.compile(r"(?P<field>[A-Za-z_]+)(?P<rest>.*)", re.DOTALL)
_OP = re.compile(r"\[(?P<op>[A-Za-z]*)\]")
_DECIMAL = re.compile(r"-?\d{1,15}(\.\d{1,6})?")
_INTEGER = re.compile(r"\d{1,15}")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2})?")
_TICK = timedelta(microseconds=1)


@dataclass(frozen=True)
class Span:
    """A payment_date filter value: the instants [start, end), a whole day or a single instant."""

    start: datetime
    end: datetime


@dataclass(frozen=True)
class Condition:
    field: str
    op: str
    values: tuple[Any, ...]  # one value; several for `in`

    def matches(self, value: Any) -> bool:
        if value is None:
            return False  # SQL: NULL satisfies no comparison
        if self.field == "payment_date":
            return _span_matches(self.op, value, self.values)
        return _scalar_matches(self.op, value, self.values)


@dataclass(frozen=True)
class Bounds:
    """Inclusive key bounds for a range key condition (None: open); a superset of what the filters match."""

    low: Any = None
    high: Any = None

    @property
    def empty(self) -> bool:
        return self.low is not None and self.high is not None and self.low > self.high


@dataclass(frozen=True)
class IndexQuery:
    index: str  # ByUser, ByType, ByPaid or ByPaymentDate (the last three read shard by shard: invoices._query)
    hash_key: Any
    bounds: Bounds | None = None


def parse(params: Mapping[str, str] | None) -> list[Condition]:
    conditions = []
    for key, raw in (params or {}).items():
        named = _KEY.fullmatch(key)
        if named is None or named["field"] not in FIELDS:
            continue
        operator = _OP.fullmatch(named["rest"])
        if operator is None or operator["op"] not in OPS:
            raise InvalidFilter()
        field, op = named["field"], operator["op"]
        texts = raw.split(",") if op == "in" else [raw]
        if len(texts) > MAX_LIST:
            raise InvalidFilter()
        conditions.append(Condition(field, op, tuple(_PARSERS[field](text.strip()) for text in texts)))
    return conditions


def matches(conditions: Sequence[Condition], fields: Mapping[str, Any]) -> bool:
    return all(condition.matches(fields[condition.field]) for condition in conditions)


def plan(conditions: Sequence[Condition]) -> list[IndexQuery]:
    """The index queries whose results contain every match (the predicate then keeps the exact ones).

    In order of preference: ByUser for user_id eq/in; ByPaymentDate (paid, payment_date) for a
    payment_date range; ByType (type, value) for a value range or a type subset; ByPaid otherwise
    (one or both of its two partitions: every invoice is in exactly one).
    """
    users = _user_ids(conditions)
    if users is not None:
        return [IndexQuery("ByUser", user_id) for user_id in users]
    paid = _domain(conditions, "paid", (0, 1))
    if any(condition.field == "payment_date" for condition in conditions):
        paid = [state for state in paid if state == 1]  # only paid invoices have a payment_date
    if dates := _bounds(conditions, "payment_date"):
        return [] if 1 not in paid or dates.empty else [IndexQuery("ByPaymentDate", 1, dates)]
    types = _domain(conditions, "type", ("B", "C", "P"))
    values = _bounds(conditions, "value")
    if values or len(types) < 3:
        return [] if values and values.empty else [IndexQuery("ByType", kind, values) for kind in types]
    return [IndexQuery("ByPaid", state) for state in paid]


# ------------------------------------------------------------------ values


def _type(text: str) -> str:
    try:
        return TYPE_NAMES[text.lower()]
    except KeyError:
        raise InvalidFilter() from None


def _paid(text: str) -> int:
    if text not in ("0", "1"):
        raise InvalidFilter()
    return int(text)


def _decimal(text: str) -> Decimal:
    if not _DECIMAL.fullmatch(text):
        raise InvalidFilter()
    return Decimal(text)


def _integer(text: str) -> int:
    if not _INTEGER.fullmatch(text):
        raise InvalidFilter()
    return int(text)


def _moment(text: str) -> Span:
    try:
        if _DATE.fullmatch(text):
            day = date.fromisoformat(text)
            start = datetime.combine(day, time(), TIMEZONE)
            end = datetime.combine(day + timedelta(days=1), time(), TIMEZONE)
            return Span(start.astimezone(UTC), end.astimezone(UTC))
        if _DATETIME.fullmatch(text):
            moment = datetime.fromisoformat(text)
            moment = moment if moment.tzinfo else moment.replace(tzinfo=TIMEZONE)
            return Span(moment.astimezone(UTC), moment.astimezone(UTC) + _TICK)
    except ValueError:
        pass
    raise InvalidFilter()


_PARSERS: dict[str, Callable[[str], Any]] = {
    "type": _type,
    "paid": _paid,
    "value": _decimal,
    "payment_date": _moment,
    "user_id": _integer,
}


# ------------------------------------------------------------- comparisons


def _scalar_matches(op: str, value: Any, operands: tuple[Any, ...]) -> bool:
    operand = operands[0]
    match op:
        case "eq":
            return bool(value == operand)
        case "ne":
            return bool(value != operand)
        case "gt":
            return bool(value > operand)
        case "gte":
            return bool(value >= operand)
        case "lt":
            return bool(value < operand)
        case "lte":
            return bool(value <= operand)
    return value in operands


def _span_matches(op: str, moment: datetime, spans: tuple[Span, ...]) -> bool:
    span = spans[0]
    match op:
        case "eq":
            return span.start <= moment < span.end
        case "ne":
            return not span.start <= moment < span.end
        case "gt":
            return moment >= span.end
        case "gte":
            return moment >= span.start
        case "lt":
            return moment < span.start
        case "lte":
            return moment < span.end
    return any(each.start <= moment < each.end for each in spans)


# ---------------------------------------------------------------- planning


def _domain[T](conditions: Iterable[Condition], field: str, universe: tuple[T, ...]) -> list[T]:
    """The values of a small field (paid, type) that every condition on it accepts."""
    on_field = [condition for condition in conditions if condition.field == field]
    return [value for value in universe if all(condition.matches(value) for condition in on_field)]


def _user_ids(conditions: Sequence[Condition]) -> list[int] | None:
    candidates: set[int] | None = None
    for condition in conditions:
        if condition.field == "user_id" and condition.op in ("eq", "in"):
            listed = set(condition.values)
            candidates = listed if candidates is None else candidates & listed
    if candidates is None:
        return None
    on_users = [condition for condition in conditions if condition.field == "user_id"]
    return sorted(user_id for user_id in candidates if all(c.matches(user_id) for c in on_users))


def _bounds(conditions: Sequence[Condition], field: str) -> Bounds | None:
    """Inclusive bounds implied by the range-like conditions on a field (None when there are none)."""
    lows: list[Any] = []
    highs: list[Any] = []
    for condition in conditions:
        if condition.field != field or condition.op == "ne":
            continue
        starts, ends = _edges(condition)
        lower = {"eq": min(starts), "in": min(starts), "gte": starts[0], "gt": ends[0]}.get(condition.op)
        upper = {"eq": max(ends), "in": max(ends), "lte": ends[0], "lt": starts[0]}.get(condition.op)
        lows += [] if lower is None else [lower]
        highs += [] if upper is None else [upper]
    if not lows and not highs:
        return None
    return Bounds(max(lows) if lows else None, min(highs) if highs else None)


def _edges(condition: Condition) -> tuple[list[Any], list[Any]]:
    if condition.field == "payment_date":
        return [span.start for span in condition.values], [span.end for span in condition.values]
    return list(condition.values), list(condition.values)
