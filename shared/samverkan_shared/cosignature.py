"""C2SP tlog-cosignature: timestamped Ed25519 ``cosignature/v1`` on checkpoints.

A witness signs ``cosignature/v1\\ntime <t>\\n`` followed by the checkpoint's note text;
the signature line is an ordinary signed-note line (key ID type 0x04) whose bytes are
the key ID, the big-endian u64 timestamp and the Ed25519 signature. The log and a
receipt's holder verify them with the witness's verifier key.
"""

import base64
import struct
from collections.abc import Sequence
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

from samverkan_shared.signed_note import (
    InvalidNote,
    is_valid_key_name,
    split_note,
    strict_base64,
    typed_key_id,
)

__all__ = [
    "Cosignature",
    "CosignerKey",
    "cosign",
    "cosigned_message",
    "cosigner_key_for",
    "parse_cosigner_key",
    "verified_cosignatures",
]

_COSIGNATURE_TYPE = b"\x04"
_HEADER = "cosignature/v1"
_MAX_TIMESTAMP = 2**63 - 1
_SIGNATURE_BYTES = 8 + 64  # u64 timestamp, Ed25519 signature


@dataclass(frozen=True)
class CosignerKey:
    """A witness's cosigning key as verifiers pin it: name, key ID, public key."""

    name: str
    key_id: bytes
    public_key: Ed25519PublicKey

    @classmethod
    def for_public_key(cls, name: str, public_key: Ed25519PublicKey) -> "CosignerKey":
        if not is_valid_key_name(name):
            raise ValueError(
                f"key name {name!r} must be non-empty, without spaces or '+'"
            )
        return cls(name, typed_key_id(name, _typed(public_key)), public_key)

    def encode(self) -> str:
        """``<name>+<8 hex key ID>+<base64(0x04 || public key)>`` (a signed-note vkey)."""
        key = base64.b64encode(_typed(self.public_key)).decode("ascii")
        return f"{self.name}+{self.key_id.hex()}+{key}"


@dataclass(frozen=True)
class Cosignature:
    """A cosignature that verified: whose, when (POSIX seconds), and its note line."""

    name: str
    timestamp: int
    line: str


def _typed(public_key: Ed25519PublicKey) -> bytes:
    raw = public_key.public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    return _COSIGNATURE_TYPE + raw


def cosigner_key_for(private_key: Ed25519PrivateKey, name: str) -> CosignerKey:
    return CosignerKey.for_public_key(name, private_key.public_key())


def parse_cosigner_key(text: str) -> CosignerKey:
    """Parse a cosigner vkey (type 0x04); ValueError says what is wrong with it."""
    name, _, rest = text.strip().partition("+")
    id_hex, _, key_text = rest.partition("+")
    typed = strict_base64(key_text)
    if not is_valid_key_name(name) or len(id_hex) != 8:
        raise ValueError("a cosigner key is <name>+<8 hex digits>+<base64 key>")
    if typed is None or len(typed) != 33 or typed[:1] != _COSIGNATURE_TYPE:
        raise ValueError("a cosigner key is base64 of 0x04 and an Ed25519 public key")
    if typed_key_id(name, typed).hex() != id_hex:
        raise ValueError(f"key ID {id_hex} does not match the name and key")
    return CosignerKey(
        name, bytes.fromhex(id_hex), Ed25519PublicKey.from_public_bytes(typed[1:])
    )


def cosigned_message(checkpoint_text: str, timestamp: int) -> bytes:
    """What an Ed25519 cosignature signs: header, time line, then the note text."""
    return f"{_HEADER}\ntime {timestamp}\n{checkpoint_text}".encode()


def cosign(
    checkpoint_text: str, private_key: Ed25519PrivateKey, name: str, timestamp: int
) -> str:
    """The note signature line (ending in a newline) cosigning ``checkpoint_text``."""
    if not 0 < timestamp <= _MAX_TIMESTAMP:
        raise ValueError("a checkpoint cosignature needs a positive u64 timestamp")
    key = cosigner_key_for(private_key, name)
    signature = private_key.sign(cosigned_message(checkpoint_text, timestamp))
    raw = key.key_id + struct.pack(">Q", timestamp) + signature
    return f"\u2014 {name} {base64.b64encode(raw).decode('ascii')}\n"


def verified_cosignatures(
    note_text: str, keys: Sequence[CosignerKey]
) -> list[Cosignature]:
    """The cosignatures in a note by the given keys, each verified.

    Signatures by other keys are ignored (C2SP signed-note); one by a given key that
    does not verify raises InvalidNote ``bad_signature`` naming the cosigner.
    """
    known = {(key.name, key.key_id): key for key in keys}
    text, signatures = split_note(note_text)
    found: dict[str, Cosignature] = {}
    for name, key_id, raw in signatures:
        key = known.get((name, key_id))
        if key is None:
            continue
        timestamp = _checked(key, text, raw)
        line = f"\u2014 {name} {base64.b64encode(key_id + raw).decode('ascii')}\n"
        found[name] = Cosignature(name, timestamp, line)
    return list(found.values())


def _checked(key: CosignerKey, text: str, raw: bytes) -> int:
    if len(raw) != _SIGNATURE_BYTES:
        raise InvalidNote("malformed", f"cosignature by {key.name} has a bad length")
    (timestamp,) = struct.unpack(">Q", raw[:8])
    if not 0 < timestamp <= _MAX_TIMESTAMP:
        raise InvalidNote("bad_signature", f"cosignature by {key.name}: bad timestamp")
    try:
        key.public_key.verify(raw[8:], cosigned_message(text, timestamp))
    except InvalidSignature:
        raise InvalidNote(
            "bad_signature", f"the cosignature by {key.name} does not verify"
        ) from None
    return int(timestamp)
