"""POST /api/messages: a message (1..500 characters) or a ping 💫 to someone in the circle."""

from cinq import messages
from cinq.api import app, caller, route
from cinq.schemas import MessageSend, MessageSent
from shared.observability import http_entrypoint


@route("POST", "messages", summary="Send a message or a ping", status_code=201)
def messages_send(body: MessageSend) -> MessageSent:
    return messages.send(caller().user_id, str(body.contact_id), body.content, body.is_ping)


lambda_handler = http_entrypoint(app)
