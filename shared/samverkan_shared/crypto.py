"""Field encryption at rest: AES-256-GCM under a rotatable keyring of named keys.

A token is ``v1.<key id>.<nonce>.<ciphertext>`` (nonce and ciphertext-with-tag in
unpadded base64url), so any key that ever encrypted a field can be found again after
rotation. The associated data names the row and field (e.g.
``b"tips/<id>/description"``): GCM authenticates it, so a token copied into another
row or field does not decrypt.
"""

import base64
import binascii
import json
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Self

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from samverkan_shared.keyfiles import create_secret_file, write_secret_file

__all__ = [
    "CryptoError",
    "DecryptionFailed",
    "InvalidKeyring",
    "Keyring",
    "UnknownKey",
    "create_keyring_file",
    "load_keyring",
    "rotate_keyring_file",
]

_VERSION = "v1"
_KEY_BYTES = 32
# Random 96-bit nonces are safe for up to 2**32 encryptions per key (NIST SP 800-38D
# §8.3); rotate well before that.
_NONCE_BYTES = 12
_TAG_BYTES = 16
_KEY_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")
_URL_TO_STANDARD = bytes.maketrans(b"-_", b"+/")
_STANDARD_TO_URL = bytes.maketrans(b"+/", b"-_")


class CryptoError(Exception):
    """Base of the errors raised here; messages never contain key material."""


class UnknownKey(CryptoError):
    """A token names a key id the keyring does not hold."""


class DecryptionFailed(CryptoError):
    """A token is malformed, altered, or bound to other associated data."""


class InvalidKeyring(CryptoError):
    """Keys are missing, unreadable or malformed."""


@dataclass(frozen=True)
class Keyring:
    """256-bit AES-GCM keys by id; ``current`` encrypts, every key decrypts."""

    current: str
    keys: Mapping[str, bytes] = field(repr=False)
    # One cipher per key, made once: a page of tips opens dozens of fields.
    _ciphers: Mapping[str, AESGCM] = field(
        init=False, repr=False, compare=False, default_factory=dict
    )

    def __post_init__(self) -> None:
        for key_id, key in self.keys.items():
            _check_key(key_id, key)
        if self.current not in self.keys:
            raise InvalidKeyring(f"the current key id {self.current!r} has no key")
        # A read-only copy: callers cannot swap keys behind the keyring's back.
        object.__setattr__(self, "keys", MappingProxyType(dict(self.keys)))
        ciphers = {key_id: AESGCM(key) for key_id, key in self.keys.items()}
        object.__setattr__(self, "_ciphers", MappingProxyType(ciphers))

    @classmethod
    def generate(cls) -> Self:
        """A keyring with one fresh random key."""
        key_id = _new_key_id()
        return cls(current=key_id, keys={key_id: AESGCM.generate_key(bit_length=256)})

    def with_new_current_key(self) -> Self:
        """A copy with a fresh key that becomes current; old keys stay to decrypt."""
        key_id = _new_key_id()
        keys = {**self.keys, key_id: AESGCM.generate_key(bit_length=256)}
        return type(self)(current=key_id, keys=keys)

    def encrypt(self, plaintext: bytes | str, *, associated_data: bytes) -> str:
        """Encrypt under the current key; a ``str`` is encoded as UTF-8."""
        data = plaintext.encode("utf-8") if isinstance(plaintext, str) else plaintext
        nonce = secrets.token_bytes(_NONCE_BYTES)
        aad = _bound_associated_data(self.current, associated_data)
        sealed = self._ciphers[self.current].encrypt(nonce, data, aad)
        return ".".join((_VERSION, self.current, _encode(nonce), _encode(sealed)))

    def decrypt(self, token: str, *, associated_data: bytes) -> bytes:
        """Decrypt a token made by ``encrypt`` with the key it names."""
        key_id, nonce, sealed = _split_token(token)
        cipher = self._ciphers.get(key_id)
        if cipher is None:
            known = ", ".join(sorted(self.keys))
            raise UnknownKey(
                f"the token was encrypted with key {key_id!r}, which is not in the "
                f"keyring (it holds {known}); was the key file replaced, not rotated?"
            )
        aad = _bound_associated_data(key_id, associated_data)
        try:
            return cipher.decrypt(nonce, sealed, aad)
        except InvalidTag:
            raise DecryptionFailed(
                "the token does not authenticate: it was altered, or it belongs to "
                "another row or field than the associated data names"
            ) from None

    def key_id_of(self, token: str) -> str:
        """The id of the key a token was encrypted with (its header; not authenticated
        until the token is decrypted)."""
        return _split_token(token)[0]

    def reseal(self, token: str, *, associated_data: bytes) -> str | None:
        """The token encrypted afresh under the current key, or None if it already is.

        Decrypting first authenticates it, so an altered token raises instead of
        being re-encrypted into a valid one.
        """
        if self.key_id_of(token) == self.current:
            return None
        plain = self.decrypt(token, associated_data=associated_data)
        return self.encrypt(plain, associated_data=associated_data)


def load_keyring(path: Path | None, env_value: str | None = None) -> Keyring:
    """Read the keyring JSON from a key file or from an environment value.

    The JSON is ``{"current": "<key id>", "keys": {"<key id>": "<base64 key>"}}``
    with 32-byte keys in standard base64. Exactly one source must be configured: a
    blank ``env_value`` counts as absent, both or neither is an ``InvalidKeyring``.
    """
    if env_value is not None and not env_value.strip():
        env_value = None
    if path is not None and env_value is not None:
        raise InvalidKeyring(
            "both a key file and keys in the environment are configured; "
            "configure exactly one"
        )
    if env_value is not None:
        return _parse_keyring(env_value, source="the keys in the environment")
    if path is not None:
        return _parse_keyring(_read_key_file(path), source=f"key file {path}")
    raise InvalidKeyring(
        "no encryption keys configured: give a key file or the keyring JSON "
        "in the environment"
    )


def create_keyring_file(path: Path) -> Keyring:
    """Create a key file (mode 0600) holding one new key; ``FileExistsError`` if any."""
    keyring = Keyring.generate()
    create_secret_file(path, _serialise(keyring))
    return keyring


def rotate_keyring_file(path: Path) -> Keyring:
    """Add a new current key to a key file, keeping the old keys for decryption.

    Running processes keep their loaded keyring until restarted; tokens they write
    still decrypt afterwards because their key stays in the file.
    """
    keyring = load_keyring(path).with_new_current_key()
    write_secret_file(path, _serialise(keyring))
    return keyring


def _check_key(key_id: str, key: bytes) -> None:
    if _KEY_ID.fullmatch(key_id) is None:
        raise InvalidKeyring(
            "a key id is 1–64 letters, digits, '_' or '-' (it is written into tokens)"
        )
    if len(key) != _KEY_BYTES:
        raise InvalidKeyring(
            f"key {key_id!r} has {len(key)} bytes; AES-256 needs {_KEY_BYTES}"
        )


def _new_key_id() -> str:
    return secrets.token_hex(8)


def _bound_associated_data(key_id: str, associated_data: bytes) -> bytes:
    # The token header is authenticated too; key ids hold no '.', so it is unambiguous.
    if not associated_data:
        raise ValueError("associated_data must name the row and field it protects")
    return f"{_VERSION}.{key_id}.".encode("ascii") + associated_data


def _split_token(token: str) -> tuple[str, bytes, bytes]:
    parts = token.split(".")
    if len(parts) != 4 or parts[0] != _VERSION or not _KEY_ID.fullmatch(parts[1]):
        raise DecryptionFailed(
            "not an encrypted field: expected v1.<key id>.<nonce>.<ciphertext>"
        )
    nonce, sealed = _decode(parts[2]), _decode(parts[3])
    if len(nonce) != _NONCE_BYTES or len(sealed) < _TAG_BYTES:
        raise DecryptionFailed("the token's nonce or ciphertext has the wrong length")
    return parts[1], nonce, sealed


def _encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _decode(text: str) -> bytes:
    # Only the canonical encoding is accepted, so one ciphertext has one spelling:
    # encoding the bytes again must give the text back, which also refuses every
    # character outside base64url (the decoder would skip it).
    try:
        raw = text.encode("ascii")
        data = binascii.a2b_base64(
            raw.translate(_URL_TO_STANDARD) + b"=" * (-len(raw) % 4), strict_mode=True
        )
    except (UnicodeEncodeError, binascii.Error):
        raise DecryptionFailed("the token's base64url is malformed") from None
    again = binascii.b2a_base64(data, newline=False).translate(_STANDARD_TO_URL)
    if again.rstrip(b"=") != raw:
        raise DecryptionFailed("the token's base64url is not in canonical form")
    return data


def _read_key_file(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError as error:
        raise InvalidKeyring(
            f"cannot read key file {path}: {error.strerror or error}"
        ) from error


def _parse_keyring(text: str, *, source: str) -> Keyring:
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        # error.msg and the position only: the document itself holds key material.
        raise InvalidKeyring(
            f"{source} is not JSON ({error.msg}, line {error.lineno})"
        ) from None
    current, encoded_keys = _keyring_fields(document, source)
    keys = {
        key_id: _decode_key(key_id, encoded, source)
        for key_id, encoded in encoded_keys.items()
    }
    return Keyring(current=current, keys=keys)


def _keyring_fields(document: object, source: str) -> tuple[str, dict[str, str]]:
    expected = '{"current": "<key id>", "keys": {"<key id>": "<base64 key>"}}'
    if not isinstance(document, dict):
        raise InvalidKeyring(f"{source} must be an object {expected}")
    current, keys = document.get("current"), document.get("keys")
    if not isinstance(current, str) or not isinstance(keys, dict) or not keys:
        raise InvalidKeyring(f"{source} must be an object {expected}")
    if not all(isinstance(value, str) for value in keys.values()):
        raise InvalidKeyring(f"{source}: every key must be a base64 string")
    return current, keys


def _decode_key(key_id: str, encoded: str, source: str) -> bytes:
    try:
        return base64.b64decode(encoded, validate=True)
    except binascii.Error:
        raise InvalidKeyring(f"{source}: key {key_id!r} is not valid base64") from None


def _serialise(keyring: Keyring) -> bytes:
    keys = {
        key_id: base64.b64encode(key).decode("ascii")
        for key_id, key in keyring.keys.items()
    }
    document = {"current": keyring.current, "keys": keys}
    return (json.dumps(document, indent=2, sort_keys=True) + "\n").encode("utf-8")
