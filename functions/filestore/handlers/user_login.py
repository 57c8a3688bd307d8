"""GET /api/user/login?username=&password=: a fresh session token (also from a JSON or form body)."""

from typing import Any

from filestore import users
from filestore.api import app, params
from shared.http import source_ip
from shared.observability import http_entrypoint


@app.get("/api/user/login", summary="Log in")
def user_login() -> dict[str, Any]:
    given = params()
    return users.log_in(given.get("username"), given.get("password"), source_ip(app.current_event.raw_event))


lambda_handler = http_entrypoint(app)
