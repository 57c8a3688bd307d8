"""GET /api/contacts: the caller's circle."""

from typing import Any

from cinq import profile
from cinq.api import app, caller, route
from shared.observability import http_entrypoint


@route("GET", "contacts", summary="My contacts")
def contacts_list() -> dict[str, Any]:
    return profile.contact_list(caller())


lambda_handler = http_entrypoint(app)
