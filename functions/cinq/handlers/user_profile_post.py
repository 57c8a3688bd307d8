"""POST /api/user-profile: add_contact (201) or remove_contact (200)."""

from aws_lambda_powertools.event_handler import Response

from cinq import addresses, profile
from cinq.api import Answers, app, caller, documented, respond, route
from cinq.schemas import ProfileAction, ProfileContactAdded, ProfileContactRemoved
from shared.observability import http_entrypoint

ANSWERS: Answers = {201: ProfileContactAdded, 200: ProfileContactRemoved}


@route("POST", "user-profile", summary="Add or remove a contact", responses=documented(ANSWERS))
def user_profile_post(body: ProfileAction) -> Response[ProfileContactAdded | ProfileContactRemoved]:
    owner = caller()
    if body.action == "add_contact":
        return respond(profile.add_contact(owner, addresses.normalize_email(body.email)), ANSWERS)
    return respond(profile.remove_contact(owner, body.contact_id), ANSWERS)


lambda_handler = http_entrypoint(app)
