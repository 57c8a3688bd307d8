"""DELETE /api/contacts?id=<contact id>: remove someone from the circle."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Query

from cinq import profile
from cinq.api import app, caller, route
from cinq.schemas import ContactRemoved
from shared.observability import http_entrypoint

ContactId = Annotated[str, Query(alias="id", max_length=64, description="The contact's id.")]


@route("DELETE", "contacts", summary="Remove a contact")
def contacts_remove(contact_id: ContactId) -> ContactRemoved:
    return profile.remove_from_circle(caller(), contact_id)


lambda_handler = http_entrypoint(app)
