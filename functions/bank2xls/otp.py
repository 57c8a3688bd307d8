"""E-mail sign-in by one-time code: 6 digits, 10 minutes, single use, 5 wrong tries, sent by SES."""

from __future__ import annotations

import functools
import secrets
from datetime import UTC, datetime, timedelta

from pynamodb.exceptions import TransactWriteError
from pynamodb.transactions import TransactWrite

from bank2xls.errors import InvalidEmail, OtpConsumed, OtpExpired, OtpInvalid, OtpRateLimited
from bank2xls.models import EmailItem, OtpItem, UserItem, otp_rate_key
from bank2xls.sessions import Caller, sign_in
from bank2xls.settings import settings
from shared import emails, outages, ratelimit
from shared.dynamo import applied, failed_conditions
from shared.mail import send_mail
from shared.observability import logger, metrics
from shared.secrets import get_secret
from shared.tokens import keyed_hash, new_digits, same

CODE_LIFETIME = timedelta(minutes=10)
MAX_WRONG_ATTEMPTS = 5
PER_EMAIL_PER_HOUR = 5
PER_IP_PER_DAY = 20


def normalize_email(value: str) -> str:
    try:
        return emails.normalize_email(value)
    except ValueError:
        raise InvalidEmail() from None


def request_code(raw_email: str, caller: Caller) -> None:
    """Counts the request, stores the code, mails it. A code that could not be stored or mailed (the answer is
    the 503) does not count against the sender's limits: its hits are given back."""
    email = normalize_email(raw_email)
    counted = _count_request(email, caller)
    try:
        code = new_digits(6)
        now = datetime.now(UTC)
        OtpItem(
            *OtpItem.key(email),
            code_hash=_hash(email, code),
            valid_until=now + CODE_LIFETIME,
            expires_at=now + timedelta(days=1),  # kept a day to tell "expired" from "unknown"
        ).save()
        text, html = _message(code)
        send_mail(settings().mail_sender, email, f"Votre code de connexion : {code}", text, html)
    except Exception:
        _refund(counted)
        raise
    metrics.add_metric(name="OtpSent", unit="Count", value=1)


def verify_code(raw_email: str, code: str, caller: Caller) -> tuple[str, bool]:
    """Signs the caller in; returns (user id, whether the account was just created)."""
    email = normalize_email(raw_email)
    otp = _current(email)
    if otp.consumed:
        raise OtpConsumed()
    if otp.valid_until <= datetime.now(UTC):
        raise OtpExpired()
    # Each try is counted before the code is compared, by one conditional update: of N parallel
    # guesses at most MAX_WRONG_ATTEMPTS are ever compared.
    counted = applied(
        lambda: otp.update(
            actions=[OtpItem.attempts.add(1)],
            condition=(OtpItem.attempts < MAX_WRONG_ATTEMPTS)
            & (OtpItem.consumed == False)  # noqa: E712
            & (OtpItem.code_hash == otp.code_hash),
        )
    )
    if not counted:
        raise _why_not_counted(email, otp.code_hash)
    if not same(otp.code_hash, _hash(email, code.strip())):
        logger.info("otp mismatch", extra={"attempts": otp.attempts})
        raise OtpInvalid()
    return _sign_in(email, otp, caller)


def _current(email: str) -> OtpItem:
    try:
        return OtpItem.get(*OtpItem.key(email), consistent_read=True)
    except OtpItem.DoesNotExist:
        raise OtpInvalid() from None


def _why_not_counted(email: str, code_hash: str) -> Exception:
    """The try was refused: the code got used meanwhile, replaced by a new one, or has no tries left."""
    otp = _current(email)
    if otp.code_hash != code_hash:
        return OtpInvalid()  # compared with a code that no longer exists
    if otp.consumed:
        return OtpConsumed()
    return OtpRateLimited()


def _count_request(email: str, caller: Caller) -> list[ratelimit.Window]:
    """The hits counted (to give back if the code is not sent); raises OtpRateLimited over a limit."""
    table = settings().table_name
    per_email = ratelimit.hit(table, otp_rate_key("email", email), PER_EMAIL_PER_HOUR, 3600)
    caller.headers.update(per_email.headers)
    if not per_email.allowed:
        raise OtpRateLimited(headers=per_email.headers)
    try:
        per_ip = ratelimit.hit(table, otp_rate_key("ip", caller.source_ip), PER_IP_PER_DAY, 86400)
    except Exception:
        _refund([per_email])
        raise
    if not per_ip.allowed:
        _refund([per_email])
        raise OtpRateLimited(headers=per_ip.headers)
    return [per_email, per_ip]


def _refund(windows: list[ratelimit.Window]) -> None:
    """Give the hits back, each tried a few times (and each try retried by the SDK)."""
    for window in windows:
        try:
            outages.retrying(functools.partial(ratelimit.refund, window))
        except Exception as exc:  # a refund that cannot be made leaves one hit counted until the window ends
            logger.error("otp request hit not given back", extra={"error": type(exc).__name__})
            metrics.add_metric(name="RateLimitRefundsLost", unit="Count", value=1)


def _sign_in(email: str, otp: OtpItem, caller: Caller) -> tuple[str, bool]:
    """Uses the code up and signs the caller in to the address's account, created if it has none, all in the
    sign-in's one transaction: a verification that fails leaves its code usable for the retry. Single use:
    only the first of concurrent verifications flips `consumed`."""

    def along(transaction: TransactWrite, user_id: str, new: bool) -> None:
        transaction.update(
            otp,
            actions=[OtpItem.consumed.set(True)],
            condition=(OtpItem.consumed == False) & (OtpItem.code_hash == otp.code_hash),  # noqa: E712
        )
        if new:
            claim = EmailItem(*EmailItem.key(email), user_id=user_id)
            transaction.save(claim, condition=EmailItem.pk.does_not_exist())
            user = UserItem(*UserItem.key(user_id), user_id=user_id, email=email, created_at=datetime.now(UTC))
            transaction.save(user)

    for _ in range(2):  # again when the address got its account meanwhile: sign in to that one
        owner = _owner(email)
        user_id = owner or f"user_{secrets.token_hex(8)}"
        try:
            sign_in(caller, user_id, functools.partial(along, user_id=user_id, new=owner is None))
        except TransactWriteError as exc:
            if failed_conditions(exc, 0) is None:
                raise
            current = _current(email)
            if current.consumed or current.code_hash != otp.code_hash:
                raise OtpConsumed() from None
            continue
        return user_id, owner is None
    raise OtpConsumed()


def _owner(email: str) -> str | None:
    try:
        return EmailItem.get(*EmailItem.key(email), consistent_read=True).user_id
    except EmailItem.DoesNotExist:
        return None


def _hash(email: str, code: str) -> str:
    return keyed_hash(get_secret(settings().otp_pepper_secret), email, code)


def _message(code: str) -> tuple[str, str]:
    text = (
        f"Bonjour,\n\nVotre code de connexion est : {code}\n\n"
        "Il est valable 10 minutes et ne peut servir qu'une fois.\n"
        "Si vous n'avez pas demandé ce code, ignorez ce message.\n"
    )
    html = (
        "<p>Bonjour,</p>"
        f'<p>Votre code de connexion est : <strong style="font-size:1.4em;letter-spacing:.2em">{code}</strong></p>'
        "<p>Il est valable 10 minutes et ne peut servir qu'une fois.</p>"
        "<p>Si vous n'avez pas demandé ce code, ignorez ce message.</p>"
    )
    return text, html
