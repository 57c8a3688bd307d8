"""POST /api/gift-redeem: use a gift code, exactly once. Rate limited per IP."""

from cinq import addresses, gifts, guard
from cinq.api import app, ip, route
from cinq.errors import InvalidRequest
from cinq.schemas import GiftRedeem, GiftRedeemed
from shared.observability import http_entrypoint


@route("POST", "gift-redeem", summary="Redeem a gift code")
def gift_redeem(body: GiftRedeem) -> GiftRedeemed:
    if not body.email and not body.order_id:
        raise InvalidRequest("email or order_id is required")
    email = addresses.normalize_email(body.email) if body.email else None
    return guard.guarded("gift-redeem", ip(), lambda: gifts.redeem(body.code, email, body.order_id))


lambda_handler = http_entrypoint(app)
