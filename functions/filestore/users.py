"""Accounts: sign-up with the documented per-field messages, login, and session tokens.

Login is throttled (`shared.throttle.login_counters`: 5 failures a minute for one username from one
address, 10 in 15 minutes for one username, 50 an hour from one address), then 429.

User ids are integers from the COUNTER#users item, reserved in blocks per execution environment
(`shared.idblocks`): unique, increasing within an environment, neither dense nor ordered across them.

A sign-up writes the account and its first session in one transaction: when the database fails (or the
function is stopped) there is no account without the session the client never received, and the client's
retry signs up afresh instead of finding its username taken."""

from __future__ import annotations

import unicodedata
from datetime import UTC, datetime, timedelta
from typing import Any

from pynamodb.exceptions import TransactWriteError
from pynamodb.transactions import TransactWrite

from filestore.errors import AuthenticationRequired, BadCredentials, SignUpRefused, TooManyAttempts
from filestore.models import Counter, SessionItem, UserItem
from filestore.settings import settings
from shared import throttle
from shared.dynamo import connection, failed_conditions
from shared.idblocks import IdBlocks
from shared.observability import metrics
from shared.passwords import hash_password, upgrade_stored_hash, verify_password
from shared.tokens import new_token, token_hash

USERNAME_RULE = "Veuillez saisir au minimum 1 et au maximum 20 caractères."
NAME_RULE = "Veuillez saisir au minimum 1 et au maximum 32 caractères. Les accents et tirés '-' sont autorisés."
PASSWORD_RULE = "Veuillez saisir au minimum 6 et au maximum 15 caractères."  # noqa: S105 - a message
TAKEN = "Utilisateur déjà existant"


def _printable(text: str) -> bool:
    return not any(unicodedata.category(char).startswith("C") for char in text)


def _name_ok(value: Any) -> bool:
    return isinstance(value, str) and 1 <= len(value) <= 32 and all(c.isalpha() or c == "-" for c in value)


def _username_ok(value: Any) -> bool:
    return isinstance(value, str) and 1 <= len(value) <= 20 and bool(value.strip()) and _printable(value)


def _password_ok(value: Any) -> bool:
    return isinstance(value, str) and 6 <= len(value) <= 15


def broken_rules(fields: dict[str, Any]) -> dict[str, str]:
    """Sign-up's field -> message map ("" for a correct field), before any lookup."""
    return {
        "username": "" if _username_ok(fields.get("username")) else USERNAME_RULE,
        "lastname": "" if _name_ok(fields.get("lastname")) else NAME_RULE,
        "firstname": "" if _name_ok(fields.get("firstname")) else NAME_RULE,
        "password": "" if _password_ok(fields.get("password")) else PASSWORD_RULE,
    }


def sign_up(fields: dict[str, Any]) -> dict[str, Any]:
    username, lastname, firstname, password = (fields.get(k) for k in ("username", "lastname", "firstname", "password"))
    problems = broken_rules(fields)
    if not problems["username"] and _exists(str(username)):
        problems["username"] = TAKEN
    if any(problems.values()):
        raise SignUpRefused(problems)
    user = UserItem(
        _key(str(username)),
        "USER",
        user_id=_next_id(),
        username=str(username),
        lastname=str(lastname),
        firstname=str(firstname),
        password_hash=hash_password(str(password)),
        created_at=datetime.now(UTC),
    )
    session, answer = _new_session(user)
    # The username is claimed by a conditional write: of two parallel sign-ups, one gets it.
    try:
        with TransactWrite(connection=connection()) as transaction:
            transaction.save(user, condition=UserItem.pk.does_not_exist())
            transaction.save(session)
    except TransactWriteError as exc:
        if failed_conditions(exc, 2) is None:
            raise
        raise SignUpRefused({"username": TAKEN, "lastname": "", "firstname": "", "password": ""}) from None
    metrics.add_metric(name="SignUps", unit="Count", value=1)
    return answer


def log_in(username: Any, password: Any, source_ip: str) -> dict[str, Any]:
    secret = password if isinstance(password, str) else ""
    if not (isinstance(username, str) and username and len(username) <= 100):
        return _check(None, secret)  # no account named: refused after the same work, nothing to count
    counters = throttle.login_counters(_key(username), source_ip)
    try:
        return throttle.guarded(
            settings().table_name, counters, lambda: _check(username, secret), failures=(BadCredentials,)
        )
    except throttle.Throttled as refused:
        raise TooManyAttempts(headers={"Retry-After": str(refused.retry_after)}) from None


def _check(username: str | None, secret: str) -> dict[str, Any]:
    user = None
    if username is not None:
        try:
            user = UserItem.get(_key(username), "USER", consistent_read=True)
        except UserItem.DoesNotExist:
            user = None
    if not verify_password(user.password_hash if user else None, secret) or user is None:
        raise BadCredentials()
    upgrade_stored_hash(user, secret)
    return _session_answer(user)


def authenticate(token: str | None) -> SessionItem:
    if not token or len(token) > 200:
        raise AuthenticationRequired()
    try:
        session = SessionItem.get(f"SESSION#{token_hash(token)}", "SESSION", consistent_read=True)
    except SessionItem.DoesNotExist:
        raise AuthenticationRequired() from None
    if session.valid_until <= datetime.now(UTC):
        raise AuthenticationRequired()
    return session


def _session_answer(user: UserItem) -> dict[str, Any]:
    session, answer = _new_session(user)
    session.save()
    return answer


def _new_session(user: UserItem) -> tuple[SessionItem, dict[str, Any]]:
    """A session for `user` (not stored yet) and the answer that gives the client its token."""
    token = new_token(24)
    valid_until = datetime.now(UTC) + timedelta(days=settings().session_days)
    session = SessionItem(
        f"SESSION#{token_hash(token)}",
        "SESSION",
        user_id=user.user_id,
        username=user.username,
        valid_until=valid_until,
        expires_at=valid_until,
    )
    return session, {
        "id": int(user.user_id),
        "token": token,
        "username": user.username,
        "lastname": user.lastname,
        "firstname": user.firstname,
    }


def _key(username: str) -> str:
    return f"USERNAME#{username.casefold()}"


def _exists(username: str) -> bool:
    try:
        UserItem.get(_key(username), "USER", consistent_read=True)
    except UserItem.DoesNotExist:
        return False
    return True


_ids = IdBlocks()


def _next_id() -> int:
    return _ids.take(Counter.Meta.table_name, _reserve)


def _reserve(count: int) -> range:
    """A block of user ids nobody else gets: one atomic ADD (UPDATED_NEW gives this caller's last id)."""
    counter = Counter("COUNTER#users", "COUNT")
    counter.update(actions=[Counter.value.add(count)])
    return range(int(counter.value) - count + 1, int(counter.value) + 1)
