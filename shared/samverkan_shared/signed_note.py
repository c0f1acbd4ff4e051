"""C2SP tlog-checkpoint tree heads in C2SP signed-note envelopes, signed with Ed25519.

The log signs and its verifiers open them; a witness opens them too (it holds
the log's verifier key) before it cosigns (``samverkan_shared.cosignature``).
"""

import base64
import binascii
import contextlib
import hashlib
import os
import re
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

__all__ = [
    "Checkpoint",
    "InvalidCheckpoint",
    "InvalidNote",
    "NoteVerifier",
    "is_valid_key_name",
    "load_or_create_signing_key",
    "open_note",
    "open_signed_checkpoint",
    "parse_checkpoint_body",
    "parse_verifier_key",
    "sign_checkpoint",
    "sign_note",
    "split_note",
    "strict_base64",
    "typed_key_id",
    "verifier_key_for",
]

Reason = Literal[
    "malformed", "unknown_key", "bad_signature", "bad_origin", "bad_size", "bad_root"
]

# C2SP signed-note: signature type 0x01 is Ed25519; a line starts with U+2014 and a
# space; the text and signatures are split at the last blank line.
_ED25519_TYPE = b"\x01"
_SIGNATURE_PREFIX = "\u2014 "
_MAX_SIGNATURES = 100  # golang.org/x/mod/sumdb/note refuses more, to bound work
_ROOT_HASH_SIZE = 32
_MAX_TREE_SIZE = 2**64 - 1  # tree sizes are uint64 in RFC 9162 and every client
_TREE_SIZE = re.compile(r"0|[1-9][0-9]*")
_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f]")


class InvalidNote(ValueError):
    """A signed note that must not be trusted; ``reason`` says which rule failed."""

    def __init__(self, reason: Reason, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason: Reason = reason
        self.detail = detail


class InvalidCheckpoint(InvalidNote):
    """A signed checkpoint that must not be trusted (see ``reason``)."""


@dataclass(frozen=True)
class Checkpoint:
    """A log's tree head: origin line, tree size and RFC 9162 root hash."""

    origin: str
    tree_size: int
    root_hash: bytes

    def __post_init__(self) -> None:
        if not self.origin or "\n" in self.origin or _CONTROL.search(self.origin):
            raise ValueError(f"origin {self.origin!r} must be one non-empty line")
        if not 0 <= self.tree_size <= _MAX_TREE_SIZE:
            raise ValueError(f"tree size {self.tree_size} is not a uint64")
        if len(self.root_hash) != _ROOT_HASH_SIZE:
            raise ValueError(f"root hash has {len(self.root_hash)} bytes, not 32")

    def body(self) -> str:
        """The note text of C2SP tlog-checkpoint: three lines, each ending in \\n."""
        root = base64.b64encode(self.root_hash).decode("ascii")
        return f"{self.origin}\n{self.tree_size}\n{root}\n"


@dataclass(frozen=True)
class NoteVerifier:
    """An Ed25519 note verifier key: its name, 4-byte key hash and public key."""

    name: str
    key_hash: bytes
    public_key: Ed25519PublicKey

    @classmethod
    def for_public_key(cls, name: str, public_key: Ed25519PublicKey) -> "NoteVerifier":
        _check_key_name(name)
        return cls(name, typed_key_id(name, _typed_key(public_key)), public_key)

    def encode(self) -> str:
        """``<name>+<8 hex key hash>+<base64(0x01 || public key)>`` (signed-note)."""
        key = base64.b64encode(_typed_key(self.public_key)).decode("ascii")
        return f"{self.name}+{self.key_hash.hex()}+{key}"

    def verify(self, message: bytes, signature: bytes) -> bool:
        try:
            self.public_key.verify(signature, message)
        except InvalidSignature:
            return False
        return True


def _typed_key(public_key: Ed25519PublicKey) -> bytes:
    raw = public_key.public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    return _ED25519_TYPE + raw


def typed_key_id(name: str, typed_key: bytes) -> bytes:
    """C2SP signed-note key ID: SHA-256(key name || 0x0A || type || public key)[:4]."""
    return hashlib.sha256(name.encode("utf-8") + b"\n" + typed_key).digest()[:4]


def is_valid_key_name(name: str) -> bool:
    """C2SP signed-note: non-empty, no Unicode spaces, no '+'."""
    return bool(name) and "+" not in name and not any(c.isspace() for c in name)


def _check_key_name(name: str) -> None:
    if not is_valid_key_name(name):
        raise ValueError(f"key name {name!r} must be non-empty, without spaces or '+'")


def strict_base64(text: str) -> bytes | None:
    """The bytes of canonical standard base64 text; None for anything else."""
    try:
        decoded = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return None
    # Accept only the canonical encoding, so one value has one text.
    return decoded if base64.b64encode(decoded).decode("ascii") == text else None


def verifier_key_for(private_key: Ed25519PrivateKey, key_name: str) -> str:
    """The verifier key string that clients pin to check this key's notes."""
    return NoteVerifier.for_public_key(key_name, private_key.public_key()).encode()


def parse_verifier_key(text: str) -> NoteVerifier:
    """Parse ``<name>+<hex key hash>+<base64 key>``; ValueError if it is not one."""
    name, _, rest = text.partition("+")
    hash_hex, _, key_text = rest.partition("+")
    typed_key = strict_base64(key_text)
    if not is_valid_key_name(name) or not re.fullmatch(r"[0-9a-f]{8}", hash_hex):
        raise ValueError("verifier key must be <name>+<8 hex digits>+<base64 key>")
    if typed_key is None or len(typed_key) != 33 or typed_key[:1] != _ED25519_TYPE:
        raise ValueError("verifier key is not a base64 0x01-prefixed Ed25519 key")
    if typed_key_id(name, typed_key).hex() != hash_hex:
        raise ValueError(f"key hash {hash_hex} does not match name and key")
    public_key = Ed25519PublicKey.from_public_bytes(typed_key[1:])
    return NoteVerifier(name, bytes.fromhex(hash_hex), public_key)


def sign_note(text: str, private_key: Ed25519PrivateKey, key_name: str) -> str:
    """Sign text (ending in a newline) as a C2SP signed note with one signature."""
    _check_key_name(key_name)
    if not text.endswith("\n") or _CONTROL.search(text):
        raise ValueError("note text must end in a newline and hold no control chars")
    key_hash = typed_key_id(key_name, _typed_key(private_key.public_key()))
    signature = private_key.sign(text.encode("utf-8"))
    encoded = base64.b64encode(key_hash + signature).decode("ascii")
    return f"{text}\n{_SIGNATURE_PREFIX}{key_name} {encoded}\n"


def open_note(note_text: str, verifier: NoteVerifier) -> str:
    """Return the text of a signed note once verifier's signature on it checks out.

    Signatures by other keys are ignored, as C2SP signed-note requires.
    """
    text, signature_lines = _split_note(note_text)
    if len(signature_lines) > _MAX_SIGNATURES:
        raise InvalidNote("malformed", f"more than {_MAX_SIGNATURES} signatures")
    signed = False
    for line in signature_lines:
        name, key_hash, signature = _parse_signature_line(line)
        if (name, key_hash) != (verifier.name, verifier.key_hash):
            continue
        if not verifier.verify(text.encode("utf-8"), signature):
            raise InvalidNote("bad_signature", f"invalid signature by {name}")
        signed = True
    if not signed:
        raise InvalidNote(
            "unknown_key", f"no signature by {verifier.name}+{verifier.key_hash.hex()}"
        )
    return text


def split_note(note_text: str) -> tuple[str, list[tuple[str, bytes, bytes]]]:
    """The text of a note and its signatures as (key name, key ID, signature)."""
    text, lines = _split_note(note_text)
    if len(lines) > _MAX_SIGNATURES:
        raise InvalidNote("malformed", f"more than {_MAX_SIGNATURES} signatures")
    return text, [_parse_signature_line(line) for line in lines]


def _split_note(note_text: str) -> tuple[str, list[str]]:
    if _CONTROL.search(note_text):
        raise InvalidNote("malformed", "control character in note")
    try:
        note_text.encode("utf-8")
    except UnicodeEncodeError as error:
        raise InvalidNote("malformed", "note is not valid UTF-8") from error
    split = note_text.rfind("\n\n")
    signatures = note_text[split + 2 :]
    if split < 0 or not signatures.endswith("\n"):
        raise InvalidNote("malformed", "no blank line followed by signature lines")
    return note_text[: split + 1], signatures[:-1].split("\n")


def _parse_signature_line(line: str) -> tuple[str, bytes, bytes]:
    if not line.startswith(_SIGNATURE_PREFIX):
        raise InvalidNote("malformed", f"signature line {line[:40]!r} lacks '— '")
    name, _, encoded = line[len(_SIGNATURE_PREFIX) :].partition(" ")
    raw = strict_base64(encoded)
    if not is_valid_key_name(name) or raw is None or len(raw) < 5:
        raise InvalidNote("malformed", f"bad signature line for key {name!r}")
    return name, raw[:4], raw[4:]


def sign_checkpoint(
    checkpoint: Checkpoint, private_key: Ed25519PrivateKey, key_name: str
) -> str:
    """The signed note of a checkpoint (the key name SHOULD equal the origin)."""
    return sign_note(checkpoint.body(), private_key, key_name)


def open_signed_checkpoint(note_text: str, verifier: NoteVerifier) -> Checkpoint:
    """Verify a signed checkpoint and parse it; InvalidCheckpoint says what failed."""
    try:
        text = open_note(note_text, verifier)
    except InvalidNote as error:
        raise InvalidCheckpoint(error.reason, error.detail) from error
    return parse_checkpoint_body(text)


def parse_checkpoint_body(text: str) -> Checkpoint:
    """Parse the note text of C2SP tlog-checkpoint (extension lines are ignored)."""
    lines = text.split("\n")
    if len(lines) < 4 or lines[-1] != "" or "" in lines[:-1]:
        raise InvalidCheckpoint("malformed", "need at least 3 non-empty lines")
    origin, size_text, root_text = lines[:3]
    if _CONTROL.search(origin):
        raise InvalidCheckpoint("bad_origin", "origin holds a control character")
    if not _TREE_SIZE.fullmatch(size_text) or int(size_text) > _MAX_TREE_SIZE:
        raise InvalidCheckpoint("bad_size", f"tree size {size_text[:30]!r} is invalid")
    root_hash = strict_base64(root_text)
    if root_hash is None or len(root_hash) != _ROOT_HASH_SIZE:
        raise InvalidCheckpoint("bad_root", "root hash is not base64 of 32 bytes")
    return Checkpoint(origin, int(size_text), root_hash)


def load_or_create_signing_key(path: Path) -> Ed25519PrivateKey:
    """Load the log's Ed25519 key (PKCS#8 PEM), creating it with mode 0600 if absent.

    A new key is written to a private temporary file and hard-linked into place,
    so two processes starting together never see a half-written key and both end
    up with the same one.
    """
    if not path.exists():
        _create_key_file(path)
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError(f"{path} holds a {type(key).__name__}, not an Ed25519 key")
    return key


def _create_key_file(path: Path) -> None:
    pem = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(8)}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "wb") as file:
            file.write(pem)
            file.flush()
            os.fsync(file.fileno())
        # os.link refuses to replace a file: if another process won the race,
        # its key stays and is the one loaded.
        with contextlib.suppress(FileExistsError):
            os.link(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
