"""What the profile and contacts endpoints answer, in the spec's shapes."""

from __future__ import annotations

from cinq import circle
from cinq.circle import CONTACT_LIMIT
from cinq.models import Unread, User
from cinq.schemas import (
    CircleView,
    ContactAdded,
    ContactList,
    ContactRemoved,
    MessagesTotal,
    Overview,
    ProfileContactAdded,
    ProfileContactRemoved,
    ProfileView,
)
from shared.timefmt import iso_millis as iso
from shared.validation import EmailAddress


def overview(user: User) -> Overview:
    contacts = circle.contacts(user.user_id)
    return Overview(
        profile=ProfileView(
            id=user.user_id,
            email=user.email,
            created_at=iso(user.created_at),
            member_since=iso(user.created_at),
        ),
        contacts=CircleView(
            count=len(contacts),
            limit=CONTACT_LIMIT,
            remaining=CONTACT_LIMIT - len(contacts),
            list=[circle.describe(contact) for contact in contacts],
        ),
        messages=MessagesTotal(total=messages_total(user)),
    )


def messages_total(user: User) -> int:
    """Sent (the profile's count) and received (the reader's counter per sender, see models.Unread)."""
    counters = Unread.of(user.user_id, consistent_read=True)
    return int(user.message_count) + sum(int(counter.received or 0) for counter in counters)


def add_contact(owner: User, email: EmailAddress) -> ProfileContactAdded:
    contact, count = circle.add(owner, email)
    return ProfileContactAdded(contact=circle.describe(contact), contacts_remaining=CONTACT_LIMIT - count)


def remove_contact(owner: User, contact_id: str | None) -> ProfileContactRemoved:
    circle.remove(owner.user_id, contact_id)
    return ProfileContactRemoved(contacts_remaining=CONTACT_LIMIT - circle.count(owner.user_id))


def contact_list(owner: User) -> ContactList:
    contacts = circle.contacts(owner.user_id)
    return ContactList(
        contacts=[circle.describe(contact) for contact in contacts],
        count=len(contacts),
        limit=CONTACT_LIMIT,
        remaining=CONTACT_LIMIT - len(contacts),
    )


def add_to_circle(owner: User, email: EmailAddress) -> ContactAdded:
    contact, count = circle.add(owner, email)
    return ContactAdded(contact=circle.describe(contact), count=count, remaining=CONTACT_LIMIT - count)


def remove_from_circle(owner: User, contact_id: str) -> ContactRemoved:
    removed = circle.remove(owner.user_id, contact_id)
    count = circle.count(owner.user_id)
    return ContactRemoved(removed_id=removed.contact_id, count=count, remaining=CONTACT_LIMIT - count)
