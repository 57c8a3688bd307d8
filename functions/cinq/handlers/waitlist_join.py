"""POST /api/waitlist: join the waitlist (201 with the new count; 409 already_registered)."""

from typing import Any

from aws_lambda_powertools.event_handler import Response

from cinq import addresses, waitlist
from cinq.api import app, created, route
from cinq.schemas import WaitlistJoin
from shared.observability import http_entrypoint


@route("POST", "waitlist", summary="Join the waitlist")
def waitlist_join(body: WaitlistJoin) -> Response[Any]:
    count = waitlist.join(addresses.normalize_email(body.email), **body.model_dump(exclude={"email"}))
    return created({"success": True, "message": "Bienvenue dans le cercle !", "count": count})


lambda_handler = http_entrypoint(app)
