"""E-mail addresses as accounts know them.

email_validator costs ~26 ms of a cold start: only the code that normalises addresses imports this module
(handlers and logic that take an address, never the request schemas), so functions that never do skip it.
"""

from __future__ import annotations

from email_validator import EmailNotValidError, validate_email

from shared.validation import EmailAddress


def normalize_email(value: str) -> EmailAddress:
    """The address as one account knows it: syntax checked, case folded, spaces trimmed. ValueError if invalid."""
    try:
        return EmailAddress(validate_email(value.strip(), check_deliverability=False).normalized.lower())
    except (EmailNotValidError, AttributeError) as exc:
        raise ValueError("invalid e-mail address") from exc
