"""Timestamps as the APIs show them: ISO 8601 UTC with milliseconds and a Z."""

from datetime import UTC, datetime


def iso_millis(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
