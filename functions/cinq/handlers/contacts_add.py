"""POST /api/contacts: add someone to the circle (five at most)."""

from typing import Any

from aws_lambda_powertools.event_handler import Response

from cinq import addresses, profile
from cinq.api import app, caller, created, route
from cinq.schemas import ContactAdd
from shared.observability import http_entrypoint


@route("POST", "contacts", summary="Add a contact")
def contacts_add(body: ContactAdd) -> Response[Any]:
    return created(profile.add_to_circle(caller(), addresses.normalize_email(body.email)))


lambda_handler = http_entrypoint(app)
