"""What the profile and contacts endpoints answer, in the spec's shapes."""

from __future__ import annotations

from typing import Any

from cinq import circle
from cinq.circle import CONTACT_LIMIT
from cinq.models import Unread, User
from shared.timefmt import iso_millis as iso
from shared.validation import EmailAddress


def overview(user: User) -> dict[str, Any]:
    contacts = circle.contacts(user.user_id)
    return {
        "success": True,
        "profile": {
            "id": user.user_id,
            "email": user.email,
            "created_at": iso(user.created_at),
            "member_since": iso(user.created_at),
        },
        "contacts": {
            "count": len(contacts),
            "limit": CONTACT_LIMIT,
            "remaining": CONTACT_LIMIT - len(contacts),
            "list": [circle.describe(contact) for contact in contacts],
        },
        "messages": {"total": messages_total(user)},
    }


def messages_total(user: User) -> int:
    """Sent (the profile's count) and received (the reader's counter per sender, see models.Unread)."""
    counters = Unread.query(f"USER#{user.user_id}", Unread.sk.startswith("UNREAD#"), consistent_read=True)
    return int(user.message_count) + sum(int(counter.received or 0) for counter in counters)


def add_contact(owner: User, email: EmailAddress) -> dict[str, Any]:
    contact, count = circle.add(owner, email)
    return {
        "success": True,
        "message": "Contact added successfully",
        "contact": circle.describe(contact),
        "contacts_remaining": CONTACT_LIMIT - count,
    }


def remove_contact(owner: User, contact_id: str | None) -> dict[str, Any]:
    circle.remove(owner.user_id, contact_id)
    return {
        "success": True,
        "message": "Contact removed",
        "contacts_remaining": CONTACT_LIMIT - circle.count(owner.user_id),
    }


def contact_list(owner: User) -> dict[str, Any]:
    contacts = circle.contacts(owner.user_id)
    return {
        "success": True,
        "contacts": [circle.describe(contact) for contact in contacts],
        "count": len(contacts),
        "limit": CONTACT_LIMIT,
        "remaining": CONTACT_LIMIT - len(contacts),
    }


def add_to_circle(owner: User, email: EmailAddress) -> dict[str, Any]:
    contact, count = circle.add(owner, email)
    return {
        "success": True,
        "message": "Contact ajouté !",
        "contact": circle.describe(contact),
        "count": count,
        "remaining": CONTACT_LIMIT - count,
    }


def remove_from_circle(owner: User, contact_id: str) -> dict[str, Any]:
    removed = circle.remove(owner.user_id, contact_id)
    count = circle.count(owner.user_id)
    return {
        "success": True,
        "message": "Contact retiré",
        "removed_id": removed.contact_id,
        "count": count,
        "remaining": CONTACT_LIMIT - count,
    }
