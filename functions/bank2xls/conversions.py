"""Conversion history: what each successful consume paid for, newest first."""

from __future__ import annotations

from bank2xls.models import ConversionItem
from bank2xls.schemas import Conversion
from shared.timefmt import iso_millis as iso

MAX_LIMIT = 100


def history(user_id: str, limit: int) -> list[Conversion]:
    return [
        Conversion(
            conversionId=item.conversion_id,
            userId=item.user_id,
            sessionId=item.session_id,
            type=item.type,
            cost=int(item.cost),
            status=item.status,
            createdAt=iso(item.created_at),
            metadata=item.metadata.as_dict() if item.metadata else {},
        )
        for item in ConversionItem.newest(user_id, min(limit, MAX_LIMIT))
    ]
