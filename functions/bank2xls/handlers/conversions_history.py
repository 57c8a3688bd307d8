"""GET /api/conversions/history: the signed-in user's conversions, newest first."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Query

from bank2xls import conversions, sessions
from bank2xls.api import app, caller, with_session
from bank2xls.schemas import History
from shared.observability import http_entrypoint

Limit = Annotated[int, Query(ge=1, le=conversions.MAX_LIMIT, description="How many (default 10, at most 100).")]


@app.get("/api/conversions/history", middlewares=[with_session], summary="Conversion history")
def conversions_history(limit: Limit = 10) -> History:
    return History(conversions=conversions.history(sessions.require_user(caller()), limit))


lambda_handler = http_entrypoint(app)
