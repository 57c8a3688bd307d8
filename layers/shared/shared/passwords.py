"""Passwords hashed with argon2id at OWASP's recommended cost: m=19 MiB, t=2, p=1.

Why these: argon2-cffi's defaults (RFC 9106's t=3, 64 MiB, p=4) cost ~257 ms of CPU and +64 MB of memory per
hash, which pushed the login functions to 1024 MB; p=4 buys nothing on Lambda's fraction of a vCPU below
1769 MB. OWASP's first argon2id configuration (19 MiB, two passes, one lane) costs ~45 ms and +19 MB, so a
login fits a 256-512 MB function. Hashes made with other parameters (the old defaults) still verify: they
carry their own; `rehashed` gives the caller a hash at the current ones to store after a successful login.

The parameters are settings (PASSWORD_HASH_TIME_COST, PASSWORD_HASH_MEMORY_KIB, PASSWORD_HASH_PARALLELISM)
whose defaults are the production values; the template sets none, the test suite sets cheap ones.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from pydantic import Field

from shared.dynamo import applied
from shared.lifecycle import at_init
from shared.settings import EnvSettings


class PasswordHashSettings(EnvSettings):
    password_hash_time_cost: int = Field(default=2, ge=1)
    password_hash_memory_kib: int = Field(default=19 * 1024, ge=8)
    password_hash_parallelism: int = Field(default=1, ge=1)

    def hasher(self) -> PasswordHasher:
        return PasswordHasher(
            time_cost=self.password_hash_time_cost,
            memory_cost=self.password_hash_memory_kib,
            parallelism=self.password_hash_parallelism,
        )


@at_init
@cache
def _hasher() -> PasswordHasher:
    return PasswordHashSettings.from_env().hasher()


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(stored_hash: str | None, password: str) -> bool:
    """Constant work whether or not the account exists: an unknown user still costs one verification."""
    hasher = _hasher()
    try:
        return hasher.verify(stored_hash or _dummy_hash(), password) and stored_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def rehashed(stored_hash: str, password: str) -> str | None:
    """After `verify_password` accepted `password`: a hash at the current parameters if the stored one has
    others (None when it is current). Store it with a write conditioned on the old hash."""
    hasher = _hasher()
    return hasher.hash(password) if hasher.check_needs_rehash(stored_hash) else None


def upgrade_stored_hash(item: Any, password: str) -> bool:
    """After a successful login: replace the item's `password_hash` by one at the current parameters if it has
    others, with a write conditioned on the hash it replaces (a password changed meanwhile wins). True if written."""
    old = item.password_hash
    new = rehashed(old, password)
    if new is None:
        return False
    attribute = type(item).password_hash
    return applied(lambda: item.update(actions=[attribute.set(new)], condition=attribute == old))


@cache
def _dummy_hash() -> str:
    return _hasher().hash("an account that does not exist")
