"""POST /api/user-profile: add_contact or remove_contact."""

from typing import Any

from aws_lambda_powertools.event_handler import Response

from cinq import addresses, profile
from cinq.api import app, caller, created, route
from cinq.schemas import ProfileAction
from shared.observability import http_entrypoint


@route("POST", "user-profile", summary="Add or remove a contact")
def user_profile_post(body: ProfileAction) -> Response[Any]:
    owner = caller()
    if body.action == "add_contact":
        return created(profile.add_contact(owner, addresses.normalize_email(body.email)))
    return created(profile.remove_contact(owner, body.contact_id), status=200)


lambda_handler = http_entrypoint(app)
