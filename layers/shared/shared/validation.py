"""Field types for request models: text that can be stored (valid UTF-8, no lone surrogates), and the type of
an e-mail address once normalised (`shared.emails`, kept apart: email_validator costs ~26 ms to import)."""

from __future__ import annotations

from typing import Annotated, NewType

from pydantic import AfterValidator

# An address as accounts know it: what shared.emails.normalize_email returns.
EmailAddress = NewType("EmailAddress", str)


def _encodable(value: str) -> str:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("text must be valid Unicode") from None
    return value


# JSON allows "\ud800" escapes that no database or mail server accepts; refuse them at the door.
Text = Annotated[str, AfterValidator(_encodable)]
