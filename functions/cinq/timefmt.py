"""Timestamps as cinq shows them: ISO 8601 UTC with milliseconds and Z."""

from datetime import UTC, datetime


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
