"""GET /api/waitlist: how many people are on the waitlist."""

from cinq import waitlist
from cinq.api import app, route
from cinq.schemas import WaitlistCount
from shared.observability import http_entrypoint


@route("GET", "waitlist", summary="Waitlist size")
def waitlist_count() -> WaitlistCount:
    return waitlist.count()


lambda_handler = http_entrypoint(app)
