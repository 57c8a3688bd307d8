"""GET /api/gift-verify/{code}: is this gift code valid? Never uses it. Rate limited per IP."""

from cinq import gifts, guard
from cinq.api import app, ip, route
from cinq.schemas import GiftVerification
from shared.observability import http_entrypoint


@route("GET", "gift-verify/<code>", summary="Verify a gift code")
def gift_verify_code(code: str) -> GiftVerification:
    return guard.guarded("gift-verify", ip(), lambda: gifts.verification(gifts.find(code)))


lambda_handler = http_entrypoint(app)
