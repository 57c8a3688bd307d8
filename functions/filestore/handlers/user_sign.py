"""POST /api/user/sign: create an account (the documented field -> message map on refusal)."""

from typing import Any

from aws_lambda_powertools.event_handler.openapi.types import OpenAPIResponse

from filestore import users
from filestore.api import SignUpRefusal, app, params
from shared.observability import http_entrypoint

REFUSED: OpenAPIResponse = {
    "description": "A field is wrong or the username taken",
    "content": {"application/json": {"model": SignUpRefusal}},
}


@app.post("/api/user/sign", summary="Sign up", responses={400: REFUSED})
def user_sign() -> dict[str, Any]:
    return users.sign_up(params())


lambda_handler = http_entrypoint(app)
