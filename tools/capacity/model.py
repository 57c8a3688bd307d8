"""The capacity model: from a recorded request mix to each API's requests/s ceiling and what sets it.

Per API, over the invocations of its functions (a webhook is a request too):

- DynamoDB units per request, by table and index, and their on-demand cost per million requests;
- every item and partition the mix wrote or read, grouped into *families* (the key with its ids and hashes
  replaced by `*`: `USER#*`, `COUNTER#waitlist`). A family is **shared** when more callers touched it than it
  has keys (a counter, a fixed set of shards, a low-cardinality index key): its load grows with the whole
  API's traffic. Any other family is one caller's own (a user's profile, an IP's throttle, a conversation), and
  its load is bounded by what that caller does, not by how many callers there are;
- ceilings, each a requests/s figure for this mix:
  - a shared partition: 1,000 write units/s and 3,000 read units/s (DynamoDB's per-partition limits; index
    partitions included, each index entry written costs a write unit);
  - a shared item written by transactions: `TRANSACTIONS_PER_ITEM` per second (see below);
  - the table: 40,000 read and write units/s (on-demand's default per-table maximum, a quota);
  - Lambda: the account's 1,000 concurrent executions (or a function's reserved concurrency in the
    template) divided by the mix's mean duration on Lambda: per function, the median over its warm
    invocations (the first of each environment left out) of an estimate from what the worker measured:
    its CPU time scaled to the function's memory (one vCPU at 1,769 MB), 6 ms per DynamoDB call, 25 ms per
    other AWS call, plus the time it waited on anything else (the payment fakes). The wall clock here is
    shown beside it: moto and a shared two-core machine make it slower than Lambda;
  - API Gateway: 10,000 requests/s per account and region (burst 5,000), or the template's route throttling
    divided by that route's share of the mix.
  The ceiling is the lowest; the table says what sets it.

Two of those limits are the operator's, not the design's: route throttling and reserved concurrency are template
parameters (`ApiThrottlingRateLimit`, `AuthThrottlingRateLimit`, `PasswordHashingReservedConcurrency`, ...),
abuse limits set low by default. So each API has two figures: the ceiling with the template's values, and the
design's ceiling, the lowest of the limits that are not parameters (DynamoDB, the account's Lambda concurrency,
API Gateway's account limit). For a target rate the model also says what each parameter must be to carry it.

Transactions on one item: DynamoDB runs one transaction at a time on an item and cancels a concurrent one with
`TransactionConflict` (our code retries with jittered backoff). A TransactWriteItems takes ~10-25 ms; we count
50 ms per transaction on an item (prepare, commit and the retries around a conflict), so 20/s per item: beyond
that, conflicts and retries grow faster than throughput.
"""

from __future__ import annotations

import json
import math
import re
import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tools.local.template import Template

PARTITION_WRITE_UNITS = 1_000
PARTITION_READ_UNITS = 3_000
TABLE_UNITS = 40_000
TRANSACTIONS_PER_ITEM = 20
LAMBDA_ACCOUNT_CONCURRENCY = 1_000
LAMBDA_MB_PER_VCPU = 1_769  # Lambda gives one vCPU at 1,769 MB, proportionally less below
DYNAMODB_CALL_MS = 6.0  # a DynamoDB request from Lambda in its region: single-digit milliseconds
OTHER_AWS_CALL_MS = 25.0  # S3, SES, Secrets Manager
API_GATEWAY_ACCOUNT_RPS = 10_000
API_GATEWAY_ACCOUNT_BURST = 5_000
# DynamoDB on-demand, us-east-1 (since November 2024): per million request units.
PRICE_WRITE_UNITS = 0.625
PRICE_READ_UNITS = 0.125
LOCAL_CALLERS = {None, "127.0.0.1"}  # the dev console's webhooks and payment fakes: nobody's own traffic

_VARIABLE = [
    re.compile(r"[^#\s@]+@[^#\s]+"),  # e-mail addresses
    re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"),
    re.compile(r"\d{4}-\d{2}-\d{2}[T ]?[\d:.]*Z?"),  # dates and times
    re.compile(r"[A-Za-z0-9_-]*\d[A-Za-z0-9_-]{11,}|[0-9a-fA-F]{12,}"),  # ids, hashes, tokens
    re.compile(r"\d+"),
]


_SHARD = re.compile(r"(?<=.)#\d{1,3}(?= |$)")  # a trailing shard number (an item key may go on with its sort key)


def family(value: str) -> str:
    """A key with what varies between users (ids, hashes, e-mails, dates, numbers) replaced by `*`."""
    for pattern in _VARIABLE:
        value = pattern.sub("*", value)
    return value


@dataclass(frozen=True)
class Schema:
    hash_key: str
    range_key: str | None
    indexes: dict[str, tuple[str, str | None]]  # index -> (hash, range)

    @classmethod
    def of(cls, spec: dict[str, Any]) -> Schema:
        def keys(schema: list[dict[str, str]]) -> tuple[str, str | None]:
            by_type = {part["KeyType"]: part["AttributeName"] for part in schema}
            return by_type["HASH"], by_type.get("RANGE")

        hash_key, range_key = keys(spec["KeySchema"])
        indexes = {index["IndexName"]: keys(index["KeySchema"]) for index in spec.get("GlobalSecondaryIndexes", [])}
        return cls(hash_key, range_key, indexes)


@dataclass
class Use:
    """How much of one item or partition the mix used."""

    write_units: float = 0.0
    read_units: float = 0.0
    transactions: int = 0
    callers: set[str] = field(default_factory=set)


@dataclass
class Ceiling:
    what: str
    requests_per_second: float
    detail: str
    subject: str = ""  # the partition or item it is about
    parameter: str | None = None  # the template parameter that sets this limit: an operator's throttle
    per_request: float = 0.0  # how much of the parameter's unit one request of the mix takes (see `needed`)


@dataclass
class ApiModel:
    api: str
    requests: int = 0
    callers: set[str] = field(default_factory=set)
    routes: Counter[str] = field(default_factory=Counter)
    invocations: Counter[str] = field(default_factory=Counter)  # function -> invocations
    milliseconds: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))  # function -> on Lambda
    measured: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))  # function -> wall, here
    read_units: float = 0.0
    write_units: float = 0.0  # table and indexes
    index_write_units: float = 0.0
    items: dict[tuple[str, str], Use] = field(default_factory=lambda: defaultdict(Use))  # (table, item key)
    partitions: dict[tuple[str, str], Use] = field(default_factory=lambda: defaultdict(Use))  # (table[/index], key)
    families: dict[tuple[str, str], set[str]] = field(default_factory=lambda: defaultdict(set))  # -> partition keys
    ceilings: list[Ceiling] = field(default_factory=list)
    failed_calls: Counter[str] = field(default_factory=Counter)

    @property
    def ceiling(self) -> Ceiling:
        return min(self.ceilings, key=lambda ceiling: ceiling.requests_per_second)

    @property
    def design_ceiling(self) -> Ceiling:
        """The lowest limit that no template parameter sets: what the design carries with the throttles raised."""
        return min((c for c in self.ceilings if c.parameter is None), key=lambda ceiling: ceiling.requests_per_second)

    def needed(self, target: float) -> dict[str, int]:
        """Each throttling parameter's smallest value that carries `target` requests/s of this mix."""
        found: dict[str, int] = {}
        for ceiling in self.ceilings:
            if ceiling.parameter:
                value = math.ceil(target * ceiling.per_request - 1e-9)
                found[ceiling.parameter] = max(found.get(ceiling.parameter, 1), value)
        return found

    @property
    def cost_per_million(self) -> float:
        """Dollars per million requests: units per request times the price per million units."""
        return (self.write_units * PRICE_WRITE_UNITS + self.read_units * PRICE_READ_UNITS) / self.requests

    def typical_ms(self, function: str, durations: dict[str, list[float]] | None = None) -> float:
        """A function's median warm duration (its tail here is this shared machine's, not Lambda's)."""
        found = (self.milliseconds if durations is None else durations).get(function)
        return statistics.median(found) if found else 0.0

    @property
    def mean_ms(self) -> float:
        """The mix's mean duration on Lambda per request: each function's typical one, weighted by the mix."""
        busy = sum(count * self.typical_ms(function) for function, count in self.invocations.items())
        return busy / self.requests

    @property
    def measured_ms(self) -> float:
        """The same from the wall clock here (moto and a shared machine: slower than Lambda)."""
        busy = sum(count * self.typical_ms(function, self.measured) for function, count in self.invocations.items())
        return busy / self.requests

    def shared(self, where: str, key: str) -> bool:
        keys = self.families[(where, family(key))]
        callers: set[str] = set()
        for each in keys:
            callers |= self.partitions[(where, each)].callers
        return len(keys) < len(callers)

    def hottest_item(self) -> tuple[tuple[str, str], float] | None:
        table_writes = sum(use.write_units for use in self.items.values())
        if not table_writes:
            return None
        key, use = max(self.items.items(), key=lambda entry: entry[1].write_units)
        return key, use.write_units / table_writes


def read_records(path: Path) -> Iterator[dict[str, Any]]:
    with path.open() as lines:
        for line in lines:
            if line.strip():
                yield json.loads(line)


def phases(records: Iterable[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """The records between each API's `phase` start and end markers, by API."""
    found: dict[str, list[dict[str, Any]]] = {}
    current: str | None = None
    for record in records:
        if record["type"] == "phase":
            current = record["api"] if record["event"] == "start" else None
            if current:
                found[current] = []
        elif current is not None:
            found[current].append(record)
    return found


def analyse(api: str, records: list[dict[str, Any]], template: Template) -> ApiModel:
    functions = {lid: fn for lid, fn in template.functions.items() if fn.api == api}
    schemas = {name: Schema.of(spec) for name, spec in template.tables.items()}
    model = ApiModel(api)
    invocations = {r["invocation"]: r for r in records if r["type"] == "invocation" and r["function"] in functions}
    for invocation in invocations.values():
        _count_invocation(model, invocation)
    for call in records:
        if call["type"] == "call" and call["function"] in functions:
            caller = (invocations.get(call["invocation"]) or {}).get("caller")
            _count_call(model, call, caller, schemas)
    if model.requests:
        model.ceilings = ceilings(model, template, functions)
    return model


def _count_invocation(model: ApiModel, invocation: dict[str, Any]) -> None:
    model.requests += 1
    model.routes[str(invocation["route"])] += 1
    model.invocations[invocation["function"]] += 1
    if not invocation.get("first"):
        model.milliseconds[invocation["function"]].append(lambda_ms(invocation))
        model.measured[invocation["function"]].append(float(invocation["ms"]))
    if invocation["caller"] not in LOCAL_CALLERS:
        model.callers.add(invocation["caller"])


def lambda_ms(invocation: dict[str, Any]) -> float:
    """What an invocation recorded here would take on Lambda (see the module's docstring)."""
    if "cpu_ms" not in invocation:
        return float(invocation["ms"])  # an older recording: the wall clock
    cpu, wall = float(invocation["cpu_ms"]), float(invocation["ms"])
    calls = invocation.get("calls") or {}
    dynamodb = calls.get("dynamodb", 0)
    other_aws = sum(calls.values()) - dynamodb
    elsewhere = max(0.0, wall - cpu - float(invocation.get("queued_ms", 0)) - float(invocation.get("aws_ms", 0)))
    scale = max(1.0, LAMBDA_MB_PER_VCPU / max(1, int(invocation.get("memory_mb") or LAMBDA_MB_PER_VCPU)))
    return cpu * scale + dynamodb * DYNAMODB_CALL_MS + other_aws * OTHER_AWS_CALL_MS + elsewhere


def _count_call(model: ApiModel, call: dict[str, Any], caller: str | None, schemas: dict[str, Schema]) -> None:
    if call.get("error"):
        model.failed_calls[f"{call['operation']}: {call['error']}"] += 1
    own = caller if caller not in LOCAL_CALLERS else None
    for access in call.get("accesses", []):
        schema = schemas[access["table"]]
        for where, key, units, kind in _touched(access, schema):
            partition = model.partitions[(where, key)]
            model.families[(where, family(key))].add(key)
            if own:
                partition.callers.add(own)
            if kind == "read":
                partition.read_units += units
                model.read_units += units
                continue
            partition.write_units += units
            model.write_units += units
            model.index_write_units += units if "/" in where else 0
        if access["kind"] == "write":
            item = model.items[(access["table"], _item_key(access, schema))]
            item.write_units += access["units"]
            item.transactions += 1 if access.get("transaction") else 0
            if own:
                item.callers.add(own)


def _touched(access: dict[str, Any], schema: Schema) -> Iterator[tuple[str, str, float, str]]:
    """(table or table/index, partition key, units, read|write) for an access and the index entries it writes."""
    table, key, attributes = access["table"], access.get("key") or {}, access.get("attributes") or {}
    index = access.get("index")
    if index:
        hash_key = schema.indexes[index][0]
        yield f"{table}/{index}", key.get(hash_key, "?"), access["units"], access["kind"]
        return
    values = {**attributes, **key}
    yield table, values.get(schema.hash_key, "?"), access["units"], access["kind"]
    if access["kind"] != "write":
        return
    for name, (hash_key, range_key) in schema.indexes.items():
        if hash_key in attributes and (range_key is None or range_key in attributes):
            yield f"{table}/{name}", attributes[hash_key], 1.0, "write"


def _partition(item_key: str) -> str:
    return item_key.split(" ")[0]


def _item_key(access: dict[str, Any], schema: Schema) -> str:
    values = {**(access.get("attributes") or {}), **(access.get("key") or {})}
    parts = [values.get(schema.hash_key, "?")]
    if schema.range_key:
        parts.append(values.get(schema.range_key, "?"))
    return " ".join(parts)


def ceilings(model: ApiModel, template: Template, functions: dict[str, Any]) -> list[Ceiling]:
    found = [*_dynamodb_ceilings(model), *_lambda_ceilings(model, template, functions)]
    found += _api_gateway_ceilings(model, template)
    return found


def shard_group(key: str) -> str:
    """A sharded key without its shard number (`COUNTER#waitlist#07`, `P#3`): its shards take equal shares."""
    return _SHARD.sub("#*", key)


@dataclass
class _Group:
    """The keys of one shard group (or one key alone) and what they took together."""

    label: str
    keys: set[str] = field(default_factory=set)
    units: float = 0.0
    busiest: float = 0.0
    highest: int = -1  # the highest shard number seen

    @property
    def shards(self) -> int:
        """Shards are numbered from 0: at least the highest number seen + 1, though a small sample misses some."""
        return max(len(self.keys), self.highest + 1)

    @property
    def per_key(self) -> float:
        """Shards are drawn uniformly (at random, or by id): their mean, not the busiest of a small sample."""
        return self.units / self.shards

    def detail(self, n: int, what: str) -> str:
        if len(self.keys) == 1 and self.highest < 0:
            return f"{self.label}: {self.per_key / n:.3f} {what} per request"
        return (
            f"{self.label}, {self.shards} shards ({len(self.keys)} seen): {self.per_key / n:.4f} {what} per request "
            f"each (busiest seen {self.busiest / n:.4f})"
        )


def _groups(entries: Iterable[tuple[str, str, float]]) -> list[_Group]:
    """(where, key, units) -> one group per shard group, e.g. the 32 waitlist counters together."""
    groups: dict[tuple[str, str], _Group] = {}
    for where, key, units in entries:
        group = groups.setdefault((where, shard_group(key)), _Group(f"{where} {shard_group(key)}"))
        group.keys.add(key)
        group.units += units
        group.busiest = max(group.busiest, units)
        if number := _SHARD.search(key):
            group.highest = max(group.highest, int(number.group().lstrip("#")))
    return list(groups.values())


def _dynamodb_ceilings(model: ApiModel) -> list[Ceiling]:
    n = model.requests
    found = []
    shared = [(key, use) for key, use in model.partitions.items() if model.shared(*key)]
    for kind, limit, what in (
        ("write", PARTITION_WRITE_UNITS, "write units"),
        ("read", PARTITION_READ_UNITS, "read units"),
    ):
        groups = _groups((where, key, getattr(use, f"{kind}_units")) for (where, key), use in shared)
        if busiest := max(groups, key=lambda group: group.per_key, default=None):
            ceiling = _limit(limit, busiest.per_key / n)
            what_sets = f"DynamoDB: busiest shared partition, {kind}s"
            found.append(Ceiling(what_sets, ceiling, busiest.detail(n, what), busiest.label))
    transactional = [
        (table, key, float(use.transactions))
        for (table, key), use in model.items.items()
        if use.transactions and model.shared(table, _partition(key))
    ]
    if busiest_item := max(_groups(transactional), key=lambda group: group.per_key, default=None):
        ceiling = _limit(TRANSACTIONS_PER_ITEM, busiest_item.per_key / n)
        detail = f"{busiest_item.detail(n, 'transactions')}; {TRANSACTIONS_PER_ITEM}/s per item"
        found.append(Ceiling("DynamoDB: transactions on one item", ceiling, detail, busiest_item.label))
    table_writes = (model.write_units - model.index_write_units) / n
    found.append(
        Ceiling(
            "DynamoDB: table on-demand maximum",
            min(_limit(TABLE_UNITS, table_writes), _limit(TABLE_UNITS, model.read_units / n)),
            f"{TABLE_UNITS:,} units/s each way",
        )
    )
    return found


def _lambda_ceilings(model: ApiModel, template: Template, functions: dict[str, Any]) -> list[Ceiling]:
    seconds = model.mean_ms / 1000
    found = [
        Ceiling(
            "Lambda: account concurrency",
            _limit(LAMBDA_ACCOUNT_CONCURRENCY, seconds),
            f"{LAMBDA_ACCOUNT_CONCURRENCY:,} / {model.mean_ms:.0f} ms mean duration on Lambda "
            f"({model.measured_ms:.0f} ms here)",
        )
    ]
    for logical_id in functions:
        reserved = _reserved_concurrency(template, logical_id)
        durations = model.milliseconds.get(logical_id)
        if reserved is None or not durations:
            continue
        share = model.invocations[logical_id] / model.requests
        busy = share * model.typical_ms(logical_id) / 1000  # seconds per request of the mix
        raw = template.resources[logical_id].get("Properties", {}).get("ReservedConcurrentExecutions")
        found.append(
            Ceiling(
                f"Lambda: {logical_id} reserved",
                _limit(reserved, busy),
                f"{reserved} reserved, {model.typical_ms(logical_id):.0f} ms, {share:.0%} of the mix",
                parameter=_parameter(template, raw),
                per_request=busy,
            )
        )
    return found


def _parameter(template: Template, value: Any) -> str | None:
    """The template parameter a property refers to (through `!If` and the like), if any."""
    parameters = template.raw.get("Parameters", {})
    if isinstance(value, dict):
        if isinstance(value.get("Ref"), str) and value["Ref"] in parameters:
            return str(value["Ref"])
        value = list(value.values())
    if isinstance(value, list):
        for each in value:
            if found := _parameter(template, each):
                return found
    return None


def _reserved_concurrency(template: Template, logical_id: str) -> int | None:
    defaults = template.raw.get("Globals", {}).get("Function", {})
    properties = template.resources[logical_id].get("Properties", {})
    value = properties.get("ReservedConcurrentExecutions", defaults.get("ReservedConcurrentExecutions"))
    resolved = template.resolve(value) if value is not None else None
    return int(resolved) if resolved not in (None, "", "AWS::NoValue") else None


def _api_gateway_ceilings(model: ApiModel, template: Template) -> list[Ceiling]:
    found = [
        Ceiling(
            "API Gateway: account",
            API_GATEWAY_ACCOUNT_RPS,
            f"{API_GATEWAY_ACCOUNT_RPS:,} requests/s, burst {API_GATEWAY_ACCOUNT_BURST:,}, per region",
        )
    ]
    api = template.api(model.api)
    properties = template.resources[api.logical_id].get("Properties", {})
    default = properties.get("DefaultRouteSettings") or {}
    per_route = properties.get("RouteSettings") or {}
    for route, count in model.routes.items():
        raw = {**default, **(per_route.get(route) or {})}.get("ThrottlingRateLimit")
        rate = template.resolve(raw)
        if rate in (None, ""):
            continue
        share = count / model.requests
        parameter = _parameter(template, raw)
        found.append(
            Ceiling(
                f"API Gateway: {route}",
                _limit(float(rate), share),
                f"{rate}/s{f' ({parameter})' if parameter else ''}, {share:.0%} of the mix",
                parameter=parameter,
                per_request=share,
            )
        )
    return found


def _limit(capacity: float, per_request: float) -> float:
    return capacity / per_request if per_request > 0 else float("inf")
