"""Client secrets: generated with `secrets`, stored only as salted scrypt hashes."""

import base64
import hashlib
import hmac
import secrets

__all__ = ["hash_secret", "new_secret", "verify_secret"]

# scrypt cost as OWASP recommends for interactive logins (N=2^14, r=8, p=1 is its floor
# for machines this size); the parameters are stored with the hash so they can be raised.
_N, _R, _P = 2**14, 8, 1


def new_secret() -> str:
    """32 random bytes, URL-safe; never with a leading "-", which a command line would
    read as an option (`--client-secret -x…`): one secret in 64 used to fail so."""
    secret = secrets.token_urlsafe(32)
    while secret.startswith("-"):
        secret = secrets.token_urlsafe(32)
    return secret


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def hash_secret(secret: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(secret.encode(), salt=salt, n=_N, r=_R, p=_P, dklen=32)
    return f"scrypt${_N}${_R}${_P}${_b64(salt)}${_b64(digest)}"


def verify_secret(secret: str, stored: str) -> bool:
    """Constant-time comparison against a stored hash; malformed hashes never match."""
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        candidate = hashlib.scrypt(
            secret.encode(),
            salt=base64.b64decode(salt),
            n=int(n),
            r=int(r),
            p=int(p),
            dklen=32,
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(candidate, base64.b64decode(digest))
