"""GET /api/waitlist: how many people are on the waitlist."""

from typing import Any

from cinq import waitlist
from cinq.api import app, route
from shared.observability import http_entrypoint


@route("GET", "waitlist", summary="Waitlist size")
def waitlist_count() -> dict[str, Any]:
    return {"count": waitlist.count()}


lambda_handler = http_entrypoint(app)
