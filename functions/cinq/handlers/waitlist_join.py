"""POST /api/waitlist: join the waitlist (201 with the new count; 409 already_registered)."""

from cinq import addresses, waitlist
from cinq.api import app, route
from cinq.schemas import WaitlistJoin, WaitlistJoined
from shared.observability import http_entrypoint


@route("POST", "waitlist", summary="Join the waitlist", status_code=201)
def waitlist_join(body: WaitlistJoin) -> WaitlistJoined:
    return waitlist.join(addresses.normalize_email(body.email), **body.model_dump(exclude={"email"}))


lambda_handler = http_entrypoint(app)
