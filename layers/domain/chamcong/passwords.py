"""Password hashing with Argon2id (argon2-cffi's RFC 9106 low-memory profile)."""

from __future__ import annotations

from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from argon2.profiles import RFC_9106_LOW_MEMORY

PARAMETERS = RFC_9106_LOW_MEMORY  # Argon2id, t=3, 64 MiB, p=4: about 0.2 s a hash on a 2-core machine
_HASHER = PasswordHasher.from_parameters(PARAMETERS)


@cache
def _dummy_hash() -> str:
    """Verified against when the username does not exist, so both paths cost the same time."""
    return _HASHER.hash("chamcong-timing-equaliser")


def hash_password(password: str) -> str:
    return _HASHER.hash(password)


def verify_password(stored_hash: str | None, password: str) -> bool:
    try:
        return _HASHER.verify(stored_hash or _dummy_hash(), password) and stored_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False

