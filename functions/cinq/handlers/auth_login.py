"""POST /api/auth-login: e-mail and password for a one-hour JWT and a refresh token. Rate limited per IP and account."""

from functools import partial

from cinq import accounts, guard
from cinq.api import app, ip, route
from cinq.schemas import LoggedIn, Login
from shared.observability import http_entrypoint


@route("POST", "auth-login", summary="Log in")
def auth_login(body: Login) -> LoggedIn:
    attempt = partial(accounts.login, body.email, body.password)
    return guard.guarded("auth-login", ip(), attempt, account=accounts.login_subject(body.email))


lambda_handler = http_entrypoint(app)
