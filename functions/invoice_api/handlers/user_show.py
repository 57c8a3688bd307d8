"""GET /api/v1/users/{user_id}: one user (404 "User not found" for an unknown or non-integer id)."""

from invoice_api import users
from invoice_api.api import app, caller
from invoice_api.schemas import OneUser
from shared.observability import http_entrypoint


@app.get("/api/v1/users/<user_id>", summary="Show a user")
def user_show(user_id: int) -> OneUser:
    caller()
    return OneUser(data=users.show(user_id))


lambda_handler = http_entrypoint(app)
