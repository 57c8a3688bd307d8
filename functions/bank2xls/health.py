"""GET /api/health: each dependency checked for real, "ok" or "error"."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from functools import partial
from typing import Any

from bank2xls import billing
from bank2xls.settings import settings
from shared.aws import client
from shared.lifecycle import at_init
from shared.observability import logger
from shared.timefmt import iso_millis as iso

for _service in ("dynamodb", "s3", "ses"):
    at_init(partial(client, _service))


def _check(name: str, probe: Callable[[], Any]) -> str:
    try:
        probe()
    except Exception as exc:  # any failure of a dependency is reported, not raised
        logger.warning("health check failed", extra={"dependency": name, "error": type(exc).__name__})
        return "error"
    return "ok"


def report() -> tuple[bool, dict[str, str]]:
    config = settings()
    checks = {
        "dynamo": _check("dynamo", lambda: client("dynamodb").describe_table(TableName=config.table_name)),
        "s3": _check("s3", lambda: client("s3").head_bucket(Bucket=config.bucket_name)),
        "stripe": _check("stripe", billing.health),
        "ses": _check("ses", lambda: client("ses").get_send_quota()),
    }
    healthy = all(value == "ok" for value in checks.values())
    return healthy, {"status": "ok" if healthy else "error", "time": iso(datetime.now(UTC)), **checks}
