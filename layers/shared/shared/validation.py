"""Field types for request models: text that can be stored (valid UTF-8, no lone surrogates)."""

from __future__ import annotations

from typing import Annotated

from email_validator import EmailNotValidError, validate_email
from pydantic import AfterValidator


def _encodable(value: str) -> str:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("text must be valid Unicode") from None
    return value


# JSON allows "\ud800" escapes that no database or mail server accepts; refuse them at the door.
Text = Annotated[str, AfterValidator(_encodable)]


def normalize_email(value: str) -> str:
    """The address as one account knows it: syntax checked, case folded, spaces trimmed. ValueError if invalid."""
    try:
        return validate_email(value.strip(), check_deliverability=False).normalized.lower()
    except (EmailNotValidError, AttributeError) as exc:
        raise ValueError("invalid e-mail address") from exc
