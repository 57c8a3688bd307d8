"""POST /api/credits/consume: spend credits (free daily or paid), idempotent by requestId."""

from bank2xls import credits
from bank2xls.api import app, caller, with_session
from bank2xls.schemas import Consumed, ConsumeRequest
from shared.observability import http_entrypoint


@app.post("/api/credits/consume", middlewares=[with_session], summary="Consume credits")
def credits_consume(body: ConsumeRequest) -> Consumed:
    request_id = body.requestId or app.current_event.headers.get("x-idempotency-key")
    return credits.consume(caller(), body.reason, body.amount, request_id, body.conversion_metadata())


lambda_handler = http_entrypoint(app)
