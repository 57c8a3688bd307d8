"""The circle: at most five contacts per user, held under concurrent adds by a conditional count."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from pynamodb.exceptions import TransactWriteError
from pynamodb.transactions import TransactWrite

from cinq.errors import AlreadyContact, ContactNotFound, LimitReached, SelfAdd, UserNotFound
from cinq.models import Contact, EmailOwner, User
from cinq.schemas import ContactView
from shared.dynamo import connection, failed_conditions
from shared.timefmt import iso_millis as iso
from shared.validation import EmailAddress

CONTACT_LIMIT = 5


def contacts(owner_id: str) -> list[Contact]:
    return sorted(Contact.of(owner_id), key=lambda contact: contact.added_at)


def describe(contact: Contact) -> ContactView:
    return ContactView(
        id=contact.contact_id, user_id=contact.user_id, email=contact.email, added_at=iso(contact.added_at)
    )


def add(owner: User, email: EmailAddress) -> tuple[Contact, int]:
    """The new contact (named by its normalised address: `cinq.addresses`) and the owner's contact count after it."""
    if email == owner.email:
        raise SelfAdd()
    try:
        friend = EmailOwner.find(email)
    except EmailOwner.DoesNotExist:
        raise UserNotFound() from None
    contact = Contact.new(
        owner.user_id, friend.user_id, contact_id=str(uuid.uuid4()), email=email, added_at=datetime.now(UTC)
    )
    try:
        with TransactWrite(connection=connection()) as transaction:
            transaction.save(contact, condition=Contact.sk.does_not_exist())
            # The limit is the owner's counter, never a count read before writing.
            transaction.update(
                User.ref(owner.user_id),
                actions=[User.contact_count.add(1)],
                condition=User.contact_count.does_not_exist() | (User.contact_count < CONTACT_LIMIT),
            )
    except TransactWriteError as exc:
        failed = failed_conditions(exc, 2)
        if failed is None:
            raise
        raise (AlreadyContact() if failed[0] else LimitReached()) from None
    return contact, count(owner.user_id)


def remove(owner_id: str, contact_id: str | None) -> Contact:
    found = next((c for c in contacts(owner_id) if contact_id and c.contact_id == contact_id), None)
    if found is None:
        raise ContactNotFound()
    try:
        with TransactWrite(connection=connection()) as transaction:
            transaction.delete(found, condition=Contact.sk.exists())
            transaction.update(
                User.ref(owner_id),
                actions=[User.contact_count.add(-1)],
                condition=User.contact_count > 0,
            )
    except TransactWriteError as exc:
        if failed_conditions(exc, 2) is None:
            raise
        raise ContactNotFound() from None  # removed by a concurrent request
    return found


def count(owner_id: str) -> int:
    return int(User.get_profile(owner_id).contact_count)


def in_circle(owner_id: str, other_user_id: str) -> bool:
    try:
        Contact.find(owner_id, other_user_id)
    except Contact.DoesNotExist:
        return False
    return True
