"""The capacity model as text: a block per API for the terminal, one table for the README."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from pathlib import Path

from tools.capacity.model import (
    API_GATEWAY_ACCOUNT_RPS,
    LAMBDA_ACCOUNT_CONCURRENCY,
    PRICE_READ_UNITS,
    PRICE_WRITE_UNITS,
    ApiModel,
    family,
)

README_START = "<!-- capacity:start (make capacity --readme writes this table) -->"
README_END = "<!-- capacity:end -->"
TARGET = 1_000  # requests/s of each API's mix the design must carry (issue 17)


def rate(value: float) -> str:
    return "unbounded" if math.isinf(value) else f"{value:,.0f}"


def hottest_item(model: ApiModel) -> str:
    found = model.hottest_item()
    if found is None:
        return "no writes"
    (table, key), share = found
    owner = "shared" if model.shared(table, key.split(" ")[0]) else "one user's"
    return f"{family(key)} ({owner}) {share:.1%}"


def needed(models: Sequence[ApiModel], target: float = TARGET) -> dict[str, int]:
    """Each throttling parameter's smallest value that carries `target` requests/s of every API's mix."""
    found: dict[str, int] = {}
    for model in models:
        for parameter, value in model.needed(target).items():
            found[parameter] = max(found.get(parameter, 0), value)
    return found


def settings(values: dict[str, int]) -> str:
    return ", ".join(f"{parameter}={value}" for parameter, value in sorted(values.items())) or "none needed"


def block(model: ApiModel, target: float = TARGET) -> str:
    n = model.requests
    lines = [
        f"== {model.api}: {n:,} requests from {len(model.callers)} users, mean duration {model.mean_ms:.0f} ms on"
        f" Lambda (estimated; {model.measured_ms:.0f} ms here)",
        "   mix: " + ", ".join(f"{route} {count / n:.0%}" for route, count in model.routes.most_common(8)),
        f"   DynamoDB per request: {model.read_units / n:.2f} read units, {model.write_units / n:.2f} write units"
        f" ({model.index_write_units / n:.2f} on indexes) = ${model.cost_per_million:.2f} per million requests",
        f"   hottest item: {hottest_item(model)} of the table's writes",
    ]
    if model.failed_calls:
        lines.append(
            "   refused DynamoDB calls: " + ", ".join(f"{k} x{v}" for k, v in model.failed_calls.most_common())
        )
    lines.append(f"   {'ceiling':<48} {'requests/s':>12}  detail")
    for ceiling in sorted(model.ceilings, key=lambda c: c.requests_per_second):
        lines.append(f"   {ceiling.what:<48} {rate(ceiling.requests_per_second):>12}  {ceiling.detail}")
    design, configured = model.design_ceiling, model.ceiling
    lines.append(f"   => design: {rate(design.requests_per_second)} requests/s, set by {design.what}")
    lines.append(
        f"   => with the template's values: {rate(configured.requests_per_second)} requests/s, set by {configured.what}"
    )
    lines.append(f"   => {target:,.0f} requests/s of this mix needs {settings(model.needed(target))}")
    return "\n".join(lines)


def together(models: Sequence[ApiModel]) -> str:
    """All the APIs at once, each at the same rate: they share the account's Lambda and API Gateway limits."""
    seconds = sum(model.mean_ms for model in models) / 1000
    lambda_rate = LAMBDA_ACCOUNT_CONCURRENCY / seconds if seconds else math.inf
    gateway_rate = API_GATEWAY_ACCOUNT_RPS / len(models)
    return (
        f"== all {len(models)} APIs at once, each at the same rate: Lambda {rate(lambda_rate)} requests/s each "
        f"({LAMBDA_ACCOUNT_CONCURRENCY:,} concurrent executions shared), API Gateway {rate(gateway_rate)} each "
        f"({API_GATEWAY_ACCOUNT_RPS:,}/s per account and region)"
    )


def table(models: Sequence[ApiModel], target: float = TARGET) -> str:
    rows = [
        "| API | requests (users) | Lambda ms (estimated) | read units / request | write units / request "
        "| DynamoDB $ / million requests | hottest item: share of writes | busiest shared partition: its ceiling "
        "| ceiling, requests/s | set by | with the template's throttles | set by |",
        "|---|---:|---:|---:|---:|---:|---|---|---:|---|---:|---|",
    ]
    for model in models:
        n = model.requests
        partition = next((c for c in model.ceilings if c.what.endswith("partition, writes")), None)
        busiest = f"{partition.subject}: {rate(partition.requests_per_second)}" if partition else "none"
        rows.append(
            f"| {model.api} | {n:,} ({len(model.callers)}) | {model.mean_ms:.0f} | {model.read_units / n:.2f} "
            f"| {model.write_units / n:.2f} | {model.cost_per_million:.2f} | {hottest_item(model)} | {busiest} "
            f"| {rate(model.design_ceiling.requests_per_second)} | {model.design_ceiling.what} "
            f"| {rate(model.ceiling.requests_per_second)} | {model.ceiling.what} |"
        )
    prices = f"on-demand us-east-1: ${PRICE_WRITE_UNITS} per million write units, ${PRICE_READ_UNITS} per million read"
    carry = (
        f"To carry {target:,.0f} requests/s of every API's mix, deploy with {settings(needed(models, target))} "
        "(burst limits twice the rates, as the defaults are)."
    )
    return "\n".join([*rows, "", f"Prices: {prices} units.", "", together(models).removeprefix("== "), "", carry])


def write_readme(readme: Path, models: Sequence[ApiModel], target: float = TARGET) -> None:
    text = readme.read_text()
    section = f"{README_START}\n{table(models, target)}\n{README_END}"
    pattern = re.compile(re.escape(README_START) + ".*?" + re.escape(README_END), re.DOTALL)
    if not pattern.search(text):
        raise SystemExit(f"{readme} has no {README_START} ... {README_END} section to fill")
    readme.write_text(pattern.sub(lambda _: section, text))
