"""GET /api/v1/users: every user's names and e-mail."""

from invoice_api import users
from invoice_api.api import app, caller
from invoice_api.schemas import Users
from shared.observability import http_entrypoint


@app.get("/api/v1/users", summary="List the users")
def users_list() -> Users:
    caller()
    return Users(data=users.listing())


lambda_handler = http_entrypoint(app)
