"""Person passwords: argon2id hashes (RFC 9106) through argon2-cffi, never our own KDF."""

import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

__all__ = ["hash_password", "needs_rehash", "new_password", "verify_password"]

# argon2-cffi's defaults are RFC 9106's second recommended profile (argon2id, t=3,
# 64 MiB, p=4); the parameters travel in the hash, so raising them later is a rehash
# at the next sign-in.
_HASHER = PasswordHasher()


def new_password() -> str:
    """An initial password: 120 random bits, URL-safe, to be changed at first use."""
    return secrets.token_urlsafe(15)


def hash_password(password: str) -> str:
    return _HASHER.hash(password)


def verify_password(stored: str, password: str) -> bool:
    """Whether ``password`` matches; a malformed stored hash never matches."""
    try:
        return _HASHER.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored: str) -> bool:
    return _HASHER.check_needs_rehash(stored)
