"""Password hashes as stored before the parameters changed: argon2id with other parameters than the current
ones (cheap ones, so the suite stays fast; tests/unit/shared/test_passwords.py verifies a hash made at the real
old defaults, t=3, 64 MiB, p=4)."""

from __future__ import annotations

from argon2 import PasswordHasher

from shared import passwords

_OLDER = PasswordHasher(time_cost=2, memory_cost=16, parallelism=1)


def older_hash(password: str) -> str:
    return _OLDER.hash(password)


def current(stored_hash: str, password: str) -> bool:
    """The hash verifies `password` and has the current parameters."""
    return passwords.verify_password(stored_hash, password) and passwords.rehashed(stored_hash, password) is None
