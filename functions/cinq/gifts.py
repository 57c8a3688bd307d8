"""Gift codes: created once per payment, verified without being used, redeemed exactly once."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any

from pynamodb.expressions.update import Action

from cinq import codes, money
from cinq.errors import CodeExpired, CodeNotFound, CodeRedeemed, CodeRevoked, InvalidRequest, RedemptionRace
from cinq.models import GiftCode
from cinq.schemas import (
    Discount,
    GiftCreate,
    GiftCreated,
    GiftRedeemed,
    GiftStatus,
    GiftSummary,
    GiftVerification,
    Redemption,
)
from shared.dynamo import applied
from shared.observability import metrics
from shared.timefmt import iso_millis as iso

RETENTION_AFTER_EXPIRY = timedelta(days=365)
VERDICTS: dict[GiftStatus, str] = {
    "active": "Gift code is valid and ready to use",
    "redeemed": "Gift code has already been redeemed",
    "expired": "Gift code has expired",
    "revoked": "Gift code has been revoked",
}


def draft(
    *, amount_cents: int, currency: str, expires_days: int, source: str, code: str | None = None, **details: str | None
) -> tuple[str, GiftCode]:
    """A new code (returned once, never stored) and its unsaved record. `code` is for seeding known demo codes."""
    if currency not in money.CURRENCIES or not 1 <= amount_cents <= 50_000 or not 1 <= expires_days <= 730:
        raise InvalidRequest()
    now = datetime.now(UTC)
    code = codes.normalize(code) if code else codes.new_code()
    gift = GiftCode(
        *GiftCode.key(codes.digest(code)),
        gift_id=str(uuid.uuid4()),
        prefix=codes.prefix(code),
        amount_cents=amount_cents,
        currency=currency,
        status="active",
        valid_until=now + timedelta(days=expires_days),
        created_at=now,
        source=source,
        expires_at=now + timedelta(days=expires_days) + RETENTION_AFTER_EXPIRY,
        **{name: value for name, value in details.items() if value},  # type: ignore[arg-type]
    )
    return code, gift


def issue(request: GiftCreate) -> GiftCreated:
    """A code an administrator (or a service holding the API key) asked for."""
    for _ in range(5):  # two random 60-bit codes colliding is astronomically rare; retry anyway
        code, gift = draft(source="admin", **request.model_dump())
        if applied(partial(gift.save, condition=GiftCode.pk.does_not_exist())):
            metrics.add_metric(name="GiftCodesCreated", unit="Count", value=1)
            return GiftCreated(code=code, gift_code=summary(gift))
    raise RuntimeError("could not draw a unique gift code")


def find(code: str) -> GiftCode:
    try:
        return GiftCode.find(codes.digest(codes.normalize(code)))
    except GiftCode.DoesNotExist:
        raise CodeNotFound() from None


def status(gift: GiftCode, now: datetime | None = None) -> GiftStatus:
    if gift.status == "redeemed":
        return "redeemed"
    if gift.status == "revoked":
        return "revoked"
    return "expired" if gift.valid_until <= (now or datetime.now(UTC)) else "active"


def verification(gift: GiftCode) -> GiftVerification:
    now = datetime.now(UTC)
    state = status(gift, now)
    return GiftVerification(
        valid=state == "active",
        code_prefix=gift.prefix,
        status=state,
        amount=money.amount(int(gift.amount_cents), gift.currency),
        currency=gift.currency,
        expires_at=iso(gift.valid_until),
        days_until_expiry=max(0, (gift.valid_until - now).days),
        message=VERDICTS[state],
    )


def redeem(code: str, email: str | None, order_id: str | None) -> GiftRedeemed:
    gift = find(code)
    refuse_unusable(gift)
    now = datetime.now(UTC)
    redemption_id = str(uuid.uuid4())
    actions: list[Action] = [
        GiftCode.status.set("redeemed"),
        GiftCode.redeemed_at.set(now),
        GiftCode.redemption_id.set(redemption_id),
    ]
    if email:
        actions.append(GiftCode.redeemed_email.set(email))
    if order_id:
        actions.append(GiftCode.redeemed_order_id.set(order_id))
    # Exactly one redemption: only a write that still sees the code active and unexpired succeeds.
    if not applied(lambda: gift.update(actions=actions, condition=usable_condition(now))):
        raise RedemptionRace()
    metrics.add_metric(name="GiftCodesRedeemed", unit="Count", value=1)
    return GiftRedeemed(
        redemption=Redemption(
            id=redemption_id,
            amount=money.amount(int(gift.amount_cents), gift.currency),
            currency=gift.currency,
            redeemed_at=iso(now),
            email=email,
        ),
        discount=Discount(amount_cents=int(gift.amount_cents), currency=gift.currency),
    )


def refuse_unusable(gift: GiftCode) -> None:
    state = status(gift)
    if state == "redeemed":
        raise CodeRedeemed()
    if state == "expired":
        raise CodeExpired()
    if state == "revoked":
        raise CodeRevoked()


def usable_condition(now: datetime) -> Any:
    return (GiftCode.status == "active") & (GiftCode.valid_until > now)


def summary(gift: GiftCode) -> GiftSummary:
    return GiftSummary(
        id=gift.gift_id,
        prefix=gift.prefix,
        amount=money.amount(int(gift.amount_cents), gift.currency),
        currency=gift.currency,
        expires_at=iso(gift.valid_until),
        created_at=iso(gift.created_at),
    )
