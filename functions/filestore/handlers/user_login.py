"""GET /api/user/login?username=&password=: a fresh session token."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Query

from filestore import users
from filestore.api import app
from filestore.schemas import Credentials, SignedIn
from shared.http import source_ip
from shared.observability import http_entrypoint


@app.get("/api/user/login", summary="Log in")
def user_login(given: Annotated[Credentials, Query()]) -> SignedIn:
    return users.log_in(given.username, given.password, source_ip(app.current_event.raw_event))


lambda_handler = http_entrypoint(app)
