"""Gift codes: CINQ-XXXX-XXXX-XXXX from an unambiguous alphabet, drawn with a CSPRNG (a purchase's: derived
from the payment with the pepper), stored keyed-hashed."""

from __future__ import annotations

import re
import secrets

from cinq.errors import InvalidCodeFormat
from cinq.settings import settings
from shared.secrets import get_secret
from shared.tokens import keyed_hash

ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: codes are read aloud and retyped
FORMAT = re.compile(r"CINQ-[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}")


def new_code() -> str:
    groups = ("".join(secrets.choice(ALPHABET) for _ in range(4)) for _ in range(3))
    return "CINQ-" + "-".join(groups)


def for_payment(provider: str, payment_id: str) -> str:
    """The gift code of one payment: derived from its id with the gift pepper (domain-separated), so it can be
    mailed again without ever being stored. 60 bits, like a drawn code; unknowable without the pepper."""
    payment = f"{provider}#{payment_id}"
    digest = bytes.fromhex(keyed_hash(get_secret(settings().gift_pepper_secret), "cinq-purchase-code", payment))
    bits = int.from_bytes(digest[:8]) >> 4  # 60 bits: twelve characters of 5 bits from a 32-letter alphabet
    letters = "".join(ALPHABET[(bits >> (5 * (11 - index))) & 31] for index in range(12))
    return f"CINQ-{letters[:4]}-{letters[4:8]}-{letters[8:]}"


def normalize(raw: str | None) -> str:
    code = (raw or "").strip().upper()
    if not FORMAT.fullmatch(code):
        raise InvalidCodeFormat()
    return code


def prefix(code: str) -> str:
    return code[:9]  # CINQ-XXXX: enough to talk about a code, not to use it


def digest(code: str) -> str:
    """What the code is stored under (`models.GiftCode.key`): a keyed hash, useless without the pepper."""
    return keyed_hash(get_secret(settings().gift_pepper_secret), code)
