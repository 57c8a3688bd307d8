"""POST /api/messages: a message (1..500 characters) or a ping 💫 to someone in the circle."""

from typing import Any

from aws_lambda_powertools.event_handler import Response

from cinq import messages
from cinq.api import app, caller, created, route
from cinq.schemas import MessageSend
from shared.observability import http_entrypoint


@route("POST", "messages", summary="Send a message or a ping")
def messages_send(body: MessageSend) -> Response[Any]:
    sent = messages.send(caller().user_id, str(body.contact_id), body.content, body.is_ping)
    return created({"success": True, "message": sent})


lambda_handler = http_entrypoint(app)
