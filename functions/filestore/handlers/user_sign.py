"""POST /api/user/sign: create an account (the documented field -> message map on refusal)."""

from aws_lambda_powertools.event_handler.openapi.types import OpenAPIResponse

from filestore import users
from filestore.api import app
from filestore.schemas import SignedIn, SignUp, SignUpRefusal
from shared.observability import http_entrypoint

ANSWERS: dict[int, OpenAPIResponse] = {
    200: {"description": "The account, signed in"},
    400: {
        "description": "A field is wrong or the username taken",
        "content": {"application/json": {"model": SignUpRefusal}},
    },
}


@app.post("/api/user/sign", summary="Sign up", responses=ANSWERS)
def user_sign(given: SignUp) -> SignedIn:
    return users.sign_up(given)


lambda_handler = http_entrypoint(app)
