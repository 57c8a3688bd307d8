"""Browser sessions: an anonymous one for every caller (pg1_session, 7 days), and a signed-in
one after OTP verification (pg1_auth, 30 days). Cookie values are random tokens; only their
SHA-256 is stored, and both expire by TTL."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from pynamodb.transactions import TransactWrite

from bank2xls.errors import Forbidden
from bank2xls.models import AuthItem, SessionItem
from shared.dynamo import applied, connection
from shared.tokens import new_token

SESSION_COOKIE, AUTH_COOKIE = "pg1_session", "pg1_auth"
SESSION_LIFETIME = timedelta(days=7)
AUTH_LIFETIME = timedelta(days=30)


@dataclass
class Caller:
    """Who is calling, and which cookies the answer must set or clear."""

    session_id: str
    source_ip: str
    user_id: str | None = None
    auth_key: tuple[str, str] | None = None
    session_key: tuple[str, str] | None = None
    new_cookies: dict[str, tuple[str, timedelta]] = field(default_factory=dict)
    cleared_cookies: list[str] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def authenticated(self) -> bool:
        return self.user_id is not None


def identify(session_token: str | None, auth_token: str | None, source_ip: str) -> Caller:
    now = datetime.now(UTC)
    session = _valid(SessionItem, session_token, now)
    if session is None:
        caller = _new_session(source_ip, now)
    else:
        caller = Caller(session_id=session.session_id, source_ip=source_ip, session_key=(session.pk, session.sk))
    auth = _valid(AuthItem, auth_token, now)
    if isinstance(auth, AuthItem):
        caller.user_id, caller.auth_key = auth.user_id, (auth.pk, auth.sk)
    return caller


def require_user(caller: Caller) -> str:
    if caller.user_id is None:
        raise Forbidden()
    return caller.user_id


def sign_in(caller: Caller, user_id: str, along: Callable[[TransactWrite], None] | None = None) -> None:
    """Issues pg1_auth and a fresh pg1_session token (same session id), so a planted cookie is worthless.

    One transaction ends the old session token and writes the new one and the sign-in, with what `along`
    adds (the code used up, the account if new): when any of it fails none of it happened, and the same
    request can be retried."""
    now = datetime.now(UTC)
    session_token, auth_token = new_token(), new_token()
    session = _session_item(session_token, caller.session_id, now)
    auth = AuthItem(
        *AuthItem.key(auth_token),
        user_id=user_id,
        session_id=caller.session_id,
        valid_until=now + AUTH_LIFETIME,
        expires_at=now + AUTH_LIFETIME,
    )
    with TransactWrite(connection=connection()) as transaction:
        if caller.session_key:
            transaction.delete(SessionItem(*caller.session_key))
        transaction.save(session, condition=SessionItem.pk.does_not_exist())
        transaction.save(auth)
        if along is not None:
            along(transaction)
    caller.session_key = (session.pk, session.sk)
    caller.new_cookies[SESSION_COOKIE] = (session_token, SESSION_LIFETIME)
    caller.user_id = user_id
    caller.new_cookies[AUTH_COOKIE] = (auth_token, AUTH_LIFETIME)


def sign_out(caller: Caller) -> None:
    """Ends the signed-in and the browser session server-side; the answer clears both cookies."""
    if caller.auth_key:
        AuthItem(*caller.auth_key).delete()
    if caller.session_key:
        SessionItem(*caller.session_key).delete()
    caller.user_id = None
    caller.new_cookies.clear()
    caller.cleared_cookies += [SESSION_COOKIE, AUTH_COOKIE]


def _valid(
    model: type[SessionItem] | type[AuthItem], token: str | None, now: datetime
) -> SessionItem | AuthItem | None:
    if not token or len(token) > 100:
        return None
    try:
        item = model.get(*model.key(token))
    except model.DoesNotExist:
        return None
    return item if item.valid_until > now else None


def _new_session(source_ip: str, now: datetime) -> Caller:
    caller = Caller(session_id=f"session_{secrets.token_hex(8)}", source_ip=source_ip)
    _issue_session_token(caller, now)
    return caller


def _issue_session_token(caller: Caller, now: datetime) -> None:
    token = new_token()
    session = _session_item(token, caller.session_id, now)
    applied(lambda: session.save(condition=SessionItem.pk.does_not_exist()))
    caller.session_key = (session.pk, session.sk)
    caller.new_cookies[SESSION_COOKIE] = (token, SESSION_LIFETIME)


def _session_item(token: str, session_id: str, now: datetime) -> SessionItem:
    return SessionItem(
        *SessionItem.key(token),
        session_id=session_id,
        created_at=now,
        valid_until=now + SESSION_LIFETIME,
        expires_at=now + SESSION_LIFETIME,
    )
