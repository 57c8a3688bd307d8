"""POST /api/contacts: add someone to the circle (five at most)."""

from cinq import addresses, profile
from cinq.api import app, caller, route
from cinq.schemas import ContactAdd, ContactAdded
from shared.observability import http_entrypoint


@route("POST", "contacts", summary="Add a contact", status_code=201)
def contacts_add(body: ContactAdd) -> ContactAdded:
    return profile.add_to_circle(caller(), addresses.normalize_email(body.email))


lambda_handler = http_entrypoint(app)
