"""Accounts: registration with a gift code (one transaction), password login issuing bearer tokens (`bearer`)."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta

from pynamodb.exceptions import TransactWriteError
from pynamodb.transactions import TransactWrite

from cinq import codes, gifts
from cinq.addresses import normalize_email
from cinq.bearer import ISSUER
from cinq.circle import CONTACT_LIMIT
from cinq.errors import (
    BadCredentials,
    CodeNotFound,
    CodeRedeemed,
    EmailTaken,
    InvalidEmail,
    UnknownGiftCode,
    WeakPassword,
)
from cinq.models import EmailOwner, GiftCode, RefreshToken, Unread, User
from cinq.schemas import LoggedIn, Registered, RegisteredUser, Session, SessionUser
from cinq.settings import settings
from shared import jwt_tokens
from shared.dynamo import connection, failed_conditions
from shared.observability import metrics
from shared.passwords import hash_password, upgrade_stored_hash, verify_password
from shared.secrets import get_secret
from shared.timefmt import iso_millis as iso
from shared.tokens import new_token, token_hash

PASSWORD_RULE = re.compile(r"(?=.*[A-Za-z])(?=.*\d).{8,}")


def register(raw_email: str, password: str, gift_code: str) -> Registered:
    email = normalize_email(raw_email)
    if not PASSWORD_RULE.fullmatch(password) or len(password) > 256:
        raise WeakPassword()
    try:
        gift = gifts.find(codes.normalize(gift_code))
    except CodeNotFound:
        raise UnknownGiftCode() from None
    now = datetime.now(UTC)
    user_id = str(uuid.uuid4())
    user = User.new(user_id, email, hash_password(password), now)
    # The code opens one account: an active one, or one redeemed earlier for this very address.
    code_condition = gifts.usable_condition(now) | (
        (GiftCode.status == "redeemed") & (GiftCode.redeemed_email == email) & GiftCode.account_id.does_not_exist()
    )
    try:
        with TransactWrite(connection=connection()) as transaction:
            transaction.save(EmailOwner.new(email, user_id), condition=EmailOwner.pk.does_not_exist())
            transaction.save(user)
            transaction.update(
                gift,
                actions=[
                    GiftCode.status.set("redeemed"),
                    GiftCode.account_id.set(user_id),
                    GiftCode.redeemed_email.set(email),
                    GiftCode.redeemed_at.set(gift.redeemed_at or now),
                ],
                condition=code_condition,
            )
    except TransactWriteError as exc:
        failed = failed_conditions(exc, 3)
        if failed is None:
            raise
        if failed[0]:
            if replayed := _registered_earlier(email, password, gift):
                return replayed
            raise EmailTaken() from None
        gifts.refuse_unusable(gifts.find(gift_code))
        raise CodeRedeemed() from None  # redeemed for another address, or just now
    metrics.add_metric(name="AccountsRegistered", unit="Count", value=1)
    return Registered(user=RegisteredUser(id=user_id, email=email, created_at=iso(now)))


def _registered_earlier(email: str, password: str, gift: GiftCode) -> Registered | None:
    """The account this very request opened, when an earlier attempt was written but its answer lost (a
    timeout, a dropped connection, a 503 after the commit): the code, as read before this attempt, was
    redeemed for this address by the account that owns it, and the password is the one stored. Any other
    taken address stays EMAIL_TAKEN."""
    user = _user_by_email(email)
    if user is None or (gift.redeemed_email, gift.account_id) != (email, user.user_id):
        return None
    if not verify_password(user.password_hash, password):
        return None
    return Registered(user=RegisteredUser(id=user.user_id, email=email, created_at=iso(user.created_at)))


def login_subject(raw_email: str) -> str:
    """The account a login names, as its brute-force counter knows it: the stored form of the address."""
    try:
        return normalize_email(raw_email)
    except InvalidEmail:
        return raw_email.strip().lower()


def login(raw_email: str, password: str) -> LoggedIn:
    try:
        email = normalize_email(raw_email)
    except InvalidEmail:
        email = None
    user = _user_by_email(email) if email else None
    # One argon2 verification whether or not the account exists: no user enumeration by timing.
    if not verify_password(user.password_hash if user else None, password) or user is None:
        raise BadCredentials()
    upgrade_stored_hash(user, password)
    config = settings()
    access = jwt_tokens.issue(
        get_secret(config.jwt_secret_secret), user.user_id, config.access_token_seconds, ISSUER, email=user.email
    )
    refresh = new_token()
    valid_until = datetime.now(UTC) + timedelta(days=config.refresh_token_days)
    RefreshToken.new(token_hash(refresh), user.user_id, valid_until).save()
    return LoggedIn(
        session=Session(
            access_token=access.token,
            refresh_token=refresh,
            expires_at=access.expires_at,
            expires_in=access.expires_in,
        ),
        user=SessionUser(
            id=user.user_id,
            email=user.email,
            created_at=iso(user.created_at),
            contact_count=int(user.contact_count),
            contact_limit=CONTACT_LIMIT,
            unread_messages=unread_total(user.user_id),
        ),
    )


def unread_total(user_id: str) -> int:
    return sum(int(item.value) for item in Unread.of(user_id))


def _user_by_email(email: str) -> User | None:
    try:
        return User.get_profile(EmailOwner.find(email).user_id)
    except (EmailOwner.DoesNotExist, User.DoesNotExist):
        return None
