"""Messages and pings between users of one circle, newest page first, shown in chronological order.

Sending is one transaction: the message (in the pair's conversation), the reader's counters for this sender
(unread, received) and the sender's own message count. Nothing in it is shared by everyone writing to one
user: a user many people write to gets one counter item per sender, never one for all of them, so a popular
reader's items take no more writes than each sender makes. A sender's own concurrent messages conflicting
on its profile are retried.
"""

from __future__ import annotations

import secrets
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime

from botocore.exceptions import BotoCoreError
from pynamodb.exceptions import PynamoDBException, TransactWriteError
from pynamodb.transactions import TransactWrite

from cinq import circle
from cinq.errors import InvalidRequest, MessagingUnavailable, NotInCircle
from cinq.models import Message, Unread, User
from cinq.schemas import Conversation, MessageSent, MessageView
from shared.dynamo import conflicted, connection
from shared.observability import logger, metrics
from shared.timefmt import iso_millis as iso

PING = "💫"
DEFAULT_LIMIT, MAX_LIMIT = 50, 100
ATTEMPTS = 4


def describe(message: Message, viewer_id: str) -> MessageView:
    return MessageView(
        id=message.message_id,
        sender_id=message.sender_id,
        receiver_id=message.receiver_id,
        content=message.content,
        is_ping=bool(message.is_ping),
        is_mine=message.sender_id == viewer_id,
        created_at=iso(message.created_at),
    )


def history(viewer_id: str, contact_id: str, limit: int, before: datetime | None) -> Conversation:
    """The `limit` newest messages before `before`, oldest first; reading marks the contact's as read."""
    _require_circle(viewer_id, contact_id)
    newest_first = _store(lambda: Message.newest(viewer_id, contact_id, min(limit, MAX_LIMIT), before))
    seen = Unread.ref(viewer_id, contact_id)
    _store(lambda: seen.update(actions=[Unread.value.set(0)]))  # `received` stays
    found = [describe(message, viewer_id) for message in reversed(newest_first)]
    return Conversation(messages=found, contact_id=contact_id, count=len(found))


def send(sender_id: str, receiver_id: str, content: str | None, is_ping: bool) -> MessageSent:
    _require_circle(sender_id, receiver_id)
    text = PING if is_ping else (content or "").strip()
    if not is_ping and not 1 <= len(text) <= 500:
        raise InvalidRequest("Message content must be 1 to 500 characters")
    now = datetime.now(UTC)
    message = Message.new(
        sender_id, receiver_id, message_id=str(uuid.uuid4()), content=text, is_ping=is_ping, created_at=now
    )

    def write() -> None:
        for attempt in range(ATTEMPTS):
            try:
                with TransactWrite(connection=connection()) as transaction:
                    transaction.save(message)
                    transaction.update(
                        Unread.ref(receiver_id, sender_id), actions=[Unread.value.add(1), Unread.received.add(1)]
                    )
                    transaction.update(User.ref(sender_id), actions=[User.message_count.add(1)])
                return
            except TransactWriteError as exc:
                if not conflicted(exc) or attempt + 1 == ATTEMPTS:
                    raise
                time.sleep(0.01 * 2**attempt * (1 + secrets.randbelow(100) / 100))

    _store(write)
    metrics.add_metric(name="PingsSent" if is_ping else "MessagesSent", unit="Count", value=1)
    return MessageSent(message=describe(message, sender_id))


def _require_circle(owner_id: str, other_id: str) -> None:
    if not _store(lambda: circle.in_circle(owner_id, other_id)):
        raise NotInCircle()


def _store[T](operation: Callable[[], T]) -> T:
    """The message store's failures are a 503 in the envelope, never a 500 with a trace."""
    try:
        return operation()
    except (PynamoDBException, BotoCoreError) as exc:
        logger.warning("message store unavailable", extra={"error": type(exc).__name__})
        raise MessagingUnavailable() from None
