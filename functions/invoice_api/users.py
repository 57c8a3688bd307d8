"""Users: listed and shown with their names and e-mail only (credentials live in separate items)."""

from __future__ import annotations

from collections.abc import Iterable

from invoice_api.errors import UserNotFound
from invoice_api.models import USERS, User
from invoice_api.schemas import MAX_ID, UserResource


def resource(user: User) -> UserResource:
    return UserResource(
        first_name=user.first_name,
        last_name=user.last_name,
        full_name=f"{user.first_name} {user.last_name}",
        email=user.email,
    )


def listing() -> list[UserResource]:
    return [resource(user) for user in User.query(USERS)]


def find(user_id: int) -> User | None:
    if not 1 <= user_id <= MAX_ID:
        return None
    try:
        return User.get(*User.key(user_id), consistent_read=True)
    except User.DoesNotExist:
        return None


def show(user_id: int) -> UserResource:
    user = find(user_id)
    if user is None:
        raise UserNotFound()
    return resource(user)


def by_id(user_ids: Iterable[int]) -> dict[int, User]:
    keys = [User.key(user_id) for user_id in sorted(set(user_ids))]
    return {int(user.user_id): user for user in User.batch_get(keys)} if keys else {}
