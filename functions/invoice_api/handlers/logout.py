"""POST /api/v1/logout: revoke the token this request presents."""

from invoice_api import auth
from invoice_api.api import app, caller
from invoice_api.schemas import Done
from shared.observability import http_entrypoint


@app.post("/api/v1/logout", summary="Log out (revoke this token)")
def logout() -> Done:
    auth.revoke(caller())
    return Done(message="Token Revoked")


lambda_handler = http_entrypoint(app)
