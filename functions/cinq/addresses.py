"""E-mail addresses in cinq's terms: normalised (shared.emails), or cinq's INVALID_EMAIL.

Imported by the handlers and logic that take an address, so the other functions never load email_validator.
"""

from __future__ import annotations

from cinq.errors import InvalidEmail
from shared import emails
from shared.validation import EmailAddress


def normalize_email(value: str | None) -> EmailAddress:
    try:
        return emails.normalize_email(value or "")
    except ValueError:
        raise InvalidEmail() from None
