"""GET /api/messages?contact_id=&limit=&before=: a page of the conversation, oldest first."""

from datetime import datetime
from typing import Annotated
from uuid import UUID

from aws_lambda_powertools.event_handler.openapi.params import Query

from cinq import messages
from cinq.api import app, caller, route
from cinq.schemas import Conversation
from shared.observability import http_entrypoint

ContactId = Annotated[UUID, Query(description="The contact's user id (a UUID; anything else is 400).")]
Limit = Annotated[int, Query(ge=1, le=messages.MAX_LIMIT, description="How many (default 50, max 100).")]
Before = Annotated[datetime | None, Query(description="Only messages before this time (ISO 8601).")]


@route("GET", "messages", summary="Read a conversation")
def messages_list(contact_id: ContactId, limit: Limit = messages.DEFAULT_LIMIT, before: Before = None) -> Conversation:
    return messages.history(caller().user_id, str(contact_id), limit, before)


lambda_handler = http_entrypoint(app)
