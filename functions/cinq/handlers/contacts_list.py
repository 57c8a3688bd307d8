"""GET /api/contacts: the caller's circle."""

from cinq import profile
from cinq.api import app, caller, route
from cinq.schemas import ContactList
from shared.observability import http_entrypoint


@route("GET", "contacts", summary="My contacts")
def contacts_list() -> ContactList:
    return profile.contact_list(caller())


lambda_handler = http_entrypoint(app)
