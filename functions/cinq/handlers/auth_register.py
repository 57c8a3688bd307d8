"""POST /api/auth-register: an account opened by a gift code, in one transaction."""

from cinq import accounts, guard
from cinq.api import app, ip, route
from cinq.schemas import Register, Registered
from shared.observability import http_entrypoint


@route("POST", "auth-register", summary="Register with a gift code", status_code=201)
def auth_register(body: Register) -> Registered:
    return guard.guarded("auth-register", ip(), lambda: accounts.register(body.email, body.password, body.giftCode))


lambda_handler = http_entrypoint(app)
