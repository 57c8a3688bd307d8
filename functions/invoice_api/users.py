"""Users: listed and shown with their names and e-mail only (credentials live in separate items).

Users are spread over `USER_SHARDS` item collections (pk USERS#<id % USER_SHARDS>, models.py), and nearly
every request reads its user (the invoice's owner, the user_id being set): in one collection, that one
partition would take a read for most requests of the API. No endpoint changes users (they come from
seeding), so an execution environment keeps what it read: a user for `USER_SECONDS`, the list for
`LIST_SECONDS`. A missing user is never remembered. Reads are eventually consistent (half a read unit): a
user seeded a moment ago may be unknown for that moment. A user not found in its shard is looked for in
the one collection of before (`User.legacy_key`), where a stack deployed before the shards keeps its users
until seeding moves them (tools/seed.py): only unknown ids cost that second read.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable

from invoice_api.errors import UserNotFound
from invoice_api.models import User
from invoice_api.schemas import MAX_ID, UserResource

USER_SECONDS = 60.0
LIST_SECONDS = 10.0
_users: dict[tuple[str | None, int], tuple[float, User]] = {}  # (table, id) -> (read at, user)
_lists: dict[str | None, tuple[float, list[UserResource]]] = {}  # table -> (read at, list)
_lock = threading.Lock()


def resource(user: User) -> UserResource:
    return UserResource(
        first_name=user.first_name,
        last_name=user.last_name,
        full_name=f"{user.first_name} {user.last_name}",
        email=user.email,
    )


def listing() -> list[UserResource]:
    table = User.Meta.table_name
    with _lock:
        read_at, found = _lists.get(table, (float("-inf"), []))
    if time.monotonic() - read_at < LIST_SECONDS:
        return found
    found = [resource(user) for user in User.everyone()]
    with _lock:
        _lists[table] = (time.monotonic(), found)
    return found


def find(user_id: int) -> User | None:
    if not 1 <= user_id <= MAX_ID:
        return None
    if (known := _known(user_id)) is not None:
        return known
    for key in (User.key(user_id), User.legacy_key(user_id)):
        try:
            user = User.get(*key)  # eventually consistent: half a read unit, users never change
        except User.DoesNotExist:
            continue
        _remember([user])
        return user
    return None


def show(user_id: int) -> UserResource:
    user = find(user_id)
    if user is None:
        raise UserNotFound()
    return resource(user)


def by_id(user_ids: Iterable[int]) -> dict[int, User]:
    wanted = sorted(set(user_ids))
    found = {user_id: user for user_id in wanted if (user := _known(user_id)) is not None}
    for key in (User.key, User.legacy_key):
        missing = [key(user_id) for user_id in wanted if user_id not in found]
        if missing:
            read = list(User.batch_get(missing))
            _remember(read)
            found.update({int(user.user_id): user for user in read})
    return found


def _known(user_id: int) -> User | None:
    with _lock:
        read_at, user = _users.get((User.Meta.table_name, user_id), (float("-inf"), None))
    return user if time.monotonic() - read_at < USER_SECONDS else None


def _remember(read: Iterable[User]) -> None:
    now = time.monotonic()
    with _lock:
        for user in read:
            _users[(User.Meta.table_name, int(user.user_id))] = (now, user)
