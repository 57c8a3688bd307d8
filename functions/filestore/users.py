"""Accounts: sign-up with the documented per-field messages, login, and session tokens.

Login is throttled (`shared.throttle.login_counters`: 5 failures a minute for one username from one
address, 10 in 15 minutes for one username, 50 an hour from one address), then 429.

User ids are integers from the users `Counter`, reserved in blocks per execution environment
(`shared.idblocks`): unique, increasing within an environment, neither dense nor ordered across them.

A sign-up writes the account and its first session in one transaction: when the database fails (or the
function is stopped) there is no account without the session the client never received, and the client's
retry signs up afresh instead of finding its username taken."""

from __future__ import annotations

import unicodedata
from datetime import UTC, datetime, timedelta

from pynamodb.exceptions import TransactWriteError
from pynamodb.transactions import TransactWrite

from filestore.errors import AuthenticationRequired, BadCredentials, SignUpRefused, TooManyAttempts
from filestore.models import Counter, SessionItem, UserItem
from filestore.schemas import SignedIn, SignUp
from filestore.settings import settings
from shared import throttle
from shared.dynamo import connection, failed_conditions
from shared.idblocks import IdBlocks
from shared.observability import metrics
from shared.passwords import hash_password, upgrade_stored_hash, verify_password
from shared.tokens import new_token

USERNAME_RULE = "Veuillez saisir au minimum 1 et au maximum 20 caractères."
NAME_RULE = "Veuillez saisir au minimum 1 et au maximum 32 caractères. Les accents et tirés '-' sont autorisés."
PASSWORD_RULE = "Veuillez saisir au minimum 6 et au maximum 15 caractères."  # noqa: S105 - a message
TAKEN = "Utilisateur déjà existant"


def _printable(text: str) -> bool:
    return not any(unicodedata.category(char).startswith("C") for char in text)


def _name_ok(value: str | None) -> bool:
    return value is not None and 1 <= len(value) <= 32 and all(c.isalpha() or c == "-" for c in value)


def _username_ok(value: str | None) -> bool:
    return value is not None and 1 <= len(value) <= 20 and bool(value.strip()) and _printable(value)


def _password_ok(value: str | None) -> bool:
    return value is not None and 6 <= len(value) <= 15


def broken_rules(fields: SignUp) -> dict[str, str]:
    """Sign-up's field -> message map ("" for a correct field), before any lookup."""
    return {
        "username": "" if _username_ok(fields.username) else USERNAME_RULE,
        "lastname": "" if _name_ok(fields.lastname) else NAME_RULE,
        "firstname": "" if _name_ok(fields.firstname) else NAME_RULE,
        "password": "" if _password_ok(fields.password) else PASSWORD_RULE,
    }


def sign_up(fields: SignUp) -> SignedIn:
    problems = broken_rules(fields)
    if not problems["username"] and UserItem.find(str(fields.username)) is not None:
        problems["username"] = TAKEN
    if any(problems.values()):
        raise SignUpRefused(problems)
    username = str(fields.username)
    user = UserItem(
        *UserItem.key(username),
        user_id=_next_id(),
        username=username,
        lastname=str(fields.lastname),
        firstname=str(fields.firstname),
        password_hash=hash_password(str(fields.password)),
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


def log_in(username: str | None, password: str | None, source_ip: str) -> SignedIn:
    secret = password or ""
    if not username or len(username) > 100:
        return _check(None, secret)  # no account named: refused after the same work, nothing to count
    counters = throttle.login_counters(UserItem.key(username)[0], source_ip)
    try:
        return throttle.guarded(
            settings().table_name, counters, lambda: _check(username, secret), failures=(BadCredentials,)
        )
    except throttle.Throttled as refused:
        raise TooManyAttempts(headers={"Retry-After": str(refused.retry_after)}) from None


def _check(username: str | None, secret: str) -> SignedIn:
    user = UserItem.find(username) if username is not None else None
    if not verify_password(user.password_hash if user else None, secret) or user is None:
        raise BadCredentials()
    upgrade_stored_hash(user, secret)
    return _session_answer(user)


def authenticate(token: str | None) -> SessionItem:
    if not token or len(token) > 200:
        raise AuthenticationRequired()
    session = SessionItem.find(token)
    if session is None or session.valid_until <= datetime.now(UTC):
        raise AuthenticationRequired()
    return session


def _session_answer(user: UserItem) -> SignedIn:
    session, answer = _new_session(user)
    session.save()
    return answer


def _new_session(user: UserItem) -> tuple[SessionItem, SignedIn]:
    """A session for `user` (not stored yet) and the answer that gives the client its token."""
    token = new_token(24)
    valid_until = datetime.now(UTC) + timedelta(days=settings().session_days)
    session = SessionItem(
        *SessionItem.key(token),
        user_id=user.user_id,
        username=user.username,
        valid_until=valid_until,
        expires_at=valid_until,
    )
    return session, SignedIn(
        id=int(user.user_id), token=token, username=user.username, lastname=user.lastname, firstname=user.firstname
    )


_ids = IdBlocks()


def _next_id() -> int:
    return _ids.take(Counter.Meta.table_name, _reserve)


def _reserve(count: int) -> range:
    """A block of user ids nobody else gets: one atomic ADD (UPDATED_NEW gives this caller's last id)."""
    counter = Counter(*Counter.users_key())
    counter.update(actions=[Counter.value.add(count)])
    return range(int(counter.value) - count + 1, int(counter.value) + 1)
