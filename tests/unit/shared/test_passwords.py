"""shared.passwords: argon2id at the production parameters (checked once here), old hashes still verify and
are rehashed; the rest of the suite hashes at the cheap parameters tests/conftest.py sets."""

from __future__ import annotations

from shared import passwords
from shared.passwords import PasswordHashSettings

# Made with argon2-cffi's defaults (t=3, 64 MiB, p=4), the parameters of every hash stored before.
OLD_DEFAULTS_HASH = "$argon2id$v=19$m=65536,t=3,p=4$GCLXNAkqVFziS0PiJaMXLg$iwytMAXmU9oTS6ZBzMNxhLThkjhaqDK4uTTI3AMWs0E"
OLD_PASSWORD = "correct horse battery staple"


def test_production_parameters_are_owasps_argon2id_19_mib_two_passes_one_lane():
    # Given the settings with no variable set (the template sets none)
    production = PasswordHashSettings.model_validate({}).hasher()
    # When hashing
    encoded = production.hash("a password")
    # Then argon2id, version 19, m=19 MiB, t=2, p=1, and it verifies
    assert encoded.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert production.verify(encoded, "a password")


def test_the_suite_hashes_at_the_cheap_parameters_it_configures():
    assert passwords.hash_password("x").startswith("$argon2id$v=19$m=8,t=1,p=1$")


def test_a_hash_with_the_old_parameters_still_verifies_and_is_rehashed_at_the_current_ones():
    # Given a hash stored with argon2-cffi's defaults
    # When its password is checked
    assert passwords.verify_password(OLD_DEFAULTS_HASH, OLD_PASSWORD)
    # Then a new hash at the current parameters replaces it, for the same password
    new_hash = passwords.rehashed(OLD_DEFAULTS_HASH, OLD_PASSWORD)
    assert new_hash is not None and new_hash.startswith("$argon2id$v=19$m=8,t=1,p=1$")
    assert passwords.verify_password(new_hash, OLD_PASSWORD)
    # And a current hash needs none
    assert passwords.rehashed(new_hash, OLD_PASSWORD) is None


def test_refusals():
    current = passwords.hash_password("right one")
    assert not passwords.verify_password(current, "wrong one")
    assert not passwords.verify_password(OLD_DEFAULTS_HASH, "wrong one")
    assert not passwords.verify_password(None, "right one")  # no account: still one verification, refused
    assert not passwords.verify_password("not a hash", "right one")
