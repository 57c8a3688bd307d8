"""POST /api/v1/login: e-mail and password for a personal access token (403 "Not Authorized", 429 throttled)."""

from invoice_api import auth
from invoice_api.api import app
from invoice_api.schemas import Authorized, Login, Token
from shared.http import source_ip
from shared.observability import http_entrypoint


@app.post("/api/v1/login", summary="Log in")
def login(body: Login) -> Authorized:
    token = auth.login(body.email, body.password, source_ip(app.current_event.raw_event))
    return Authorized(data=Token(token=token))


lambda_handler = http_entrypoint(app)
