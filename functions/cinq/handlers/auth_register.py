"""POST /api/auth-register: an account opened by a gift code, in one transaction."""

from typing import Any

from aws_lambda_powertools.event_handler import Response

from cinq import accounts, guard
from cinq.api import app, created, ip, route
from cinq.schemas import Register
from shared.observability import http_entrypoint


@route("POST", "auth-register", summary="Register with a gift code")
def auth_register(body: Register) -> Response[Any]:
    user = guard.guarded("auth-register", ip(), lambda: accounts.register(body.email, body.password, body.giftCode))
    return created({"success": True, "message": "Welcome to CINQ! 🎉", "user": user, "requiresLogin": True})


lambda_handler = http_entrypoint(app)
