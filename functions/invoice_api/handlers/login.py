"""POST /api/v1/login: e-mail and password for a personal access token (403 "Not Authorized" otherwise)."""

from invoice_api import auth
from invoice_api.api import app
from invoice_api.schemas import Authorized, Login, Token
from shared.observability import http_entrypoint


@app.post("/api/v1/login", summary="Log in")
def login(body: Login) -> Authorized:
    return Authorized(data=Token(token=auth.login(body.email, body.password)))


lambda_handler = http_entrypoint(app)
