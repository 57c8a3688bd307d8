"""POST /api/gift-verify: is this gift code valid? Never uses it. Rate limited per IP."""

from cinq import gifts, guard
from cinq.api import app, ip, route
from cinq.schemas import CodeBody, GiftVerification
from shared.observability import http_entrypoint


@route("POST", "gift-verify", summary="Verify a gift code")
def gift_verify(body: CodeBody) -> GiftVerification:
    return guard.guarded("gift-verify", ip(), lambda: gifts.verification(gifts.find(body.code)))


lambda_handler = http_entrypoint(app)
