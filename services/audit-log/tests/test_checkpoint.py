"""Tests for signed checkpoints: C2SP formats, Go sumdb/note interop, key files."""

import base64
import hashlib
import stat
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ec import SECP256R1, generate_private_key
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from samverkan_audit_log.checkpoints.signed_note import (
    Checkpoint,
    InvalidCheckpoint,
    InvalidNote,
    NoteVerifier,
    load_or_create_signing_key,
    open_note,
    open_signed_checkpoint,
    parse_checkpoint_body,
    parse_verifier_key,
    sign_checkpoint,
    sign_note,
    verifier_key_for,
)

# Vectors of golang.org/x/mod/sumdb/note note_test.go (TestSign, TestOpen).
PETER_SIGNER = (
    "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
)
PETER_VERIFIER = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
ENOCH_VERIFIER = "EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop"
GO_TEXT = (
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n"
)
PETER_SIGNATURE = (
    "— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNX"
    "gKvqfqdngotpRZb6KE6RyyBwJnAM=\n"
)
ENOCH_SIGNATURE = (
    "— EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG0"
    "1oOTGwnWLox33WWd1RvMc+QQ=\n"
)
ORIGIN = "samverkan.example/audit-log"
ROOT = hashlib.sha256(b"root").digest()
URLSAFE_ROOT = base64.urlsafe_b64encode(b"\xff" * 32).decode()


def peter_key() -> Ed25519PrivateKey:
    """The Go test's signer key: base64(0x01 || 32-byte Ed25519 seed)."""
    typed_seed = base64.b64decode(PETER_SIGNER.split("+", 4)[4])
    assert typed_seed[0] == 1
    return Ed25519PrivateKey.from_private_bytes(typed_seed[1:])


@pytest.fixture(scope="module")
def key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


@pytest.fixture(scope="module")
def verifier(key: Ed25519PrivateKey) -> NoteVerifier:
    return parse_verifier_key(verifier_key_for(key, ORIGIN))


class TestGoInterop:
    def test_verifier_key_matches_go(self) -> None:
        assert verifier_key_for(peter_key(), "PeterNeumann") == PETER_VERIFIER

    def test_signed_note_matches_go_byte_for_byte(self) -> None:
        expected = GO_TEXT + "\n" + PETER_SIGNATURE
        assert sign_note(GO_TEXT, peter_key(), "PeterNeumann") == expected

    def test_open_ignores_signatures_by_unknown_keys(self) -> None:
        note = GO_TEXT + "\n" + PETER_SIGNATURE + ENOCH_SIGNATURE
        assert open_note(note, parse_verifier_key(PETER_VERIFIER)) == GO_TEXT
        assert open_note(note, parse_verifier_key(ENOCH_VERIFIER)) == GO_TEXT

    def test_go_corrupted_signature_is_rejected(self) -> None:
        note = GO_TEXT + "\n" + PETER_SIGNATURE[:60] + "ABCD" + PETER_SIGNATURE[60:]
        with pytest.raises(InvalidNote) as caught:
            open_note(note, parse_verifier_key(PETER_VERIFIER))
        assert caught.value.reason == "bad_signature"

    @pytest.mark.parametrize(
        "note",
        [
            GO_TEXT,
            GO_TEXT + "\n",
            GO_TEXT + "\n" + PETER_SIGNATURE[:-1],
            "\x01" + GO_TEXT + "\n" + PETER_SIGNATURE,
            GO_TEXT + "\n" + "— Bad Name x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZ=\n",
            GO_TEXT + "\n" + PETER_SIGNATURE + "Unexpected line.\n",
            GO_TEXT + "\n" + PETER_SIGNATURE * 101,
        ],
        ids=[
            "no-signatures",
            "blank-line-only",
            "no-final-newline",
            "control-character",
            "space-in-key-name",
            "trailing-text",
            "too-many-signatures",
        ],
    )
    def test_go_malformed_notes_are_rejected(self, note: str) -> None:
        with pytest.raises(InvalidNote) as caught:
            open_note(note, parse_verifier_key(PETER_VERIFIER))
        assert caught.value.reason == "malformed"

    @pytest.mark.parametrize(
        "text",
        [
            PETER_VERIFIER[:-1],
            PETER_VERIFIER.replace("c74f20a3", "c74f20a4"),
            PETER_VERIFIER.replace("Peter", "Pete"),
            "PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY==",
            "PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
            "PeterNeumann+c74f20a3",
            "",
        ],
    )
    def test_mangled_verifier_keys_are_rejected(self, text: str) -> None:
        with pytest.raises(ValueError, match=r"verifier key|key hash"):
            parse_verifier_key(text)


class TestCheckpoint:
    def test_round_trip(self, key: Ed25519PrivateKey, verifier: NoteVerifier) -> None:
        checkpoint = Checkpoint(ORIGIN, 20852163, ROOT)
        note = sign_checkpoint(checkpoint, key, ORIGIN)
        assert open_signed_checkpoint(note, verifier) == checkpoint

    def test_note_layout_follows_c2sp(self, key: Ed25519PrivateKey) -> None:
        note = sign_checkpoint(Checkpoint(ORIGIN, 0, ROOT), key, ORIGIN)
        body, signature_line = note.split("\n\n")
        assert body.split("\n") == [ORIGIN, "0", base64.b64encode(ROOT).decode()]
        assert signature_line.startswith(f"\u2014 {ORIGIN} ")
        assert signature_line.endswith("\n")
        assert signature_line.count("\n") == 1
        raw = base64.b64decode(signature_line.split(" ")[2])
        assert len(raw) == 4 + 64
        assert raw[:4].hex() == verifier_key_for(key, ORIGIN).split("+")[1]

    def test_verifier_key_round_trips(self, key: Ed25519PrivateKey) -> None:
        text = verifier_key_for(key, ORIGIN)
        assert parse_verifier_key(text).encode() == text

    @pytest.mark.parametrize("position", [0, 30, 70])
    def test_flipped_body_byte_fails(
        self, key: Ed25519PrivateKey, verifier: NoteVerifier, position: int
    ) -> None:
        note = sign_checkpoint(Checkpoint(ORIGIN, 7, ROOT), key, ORIGIN)
        changed = note[:position] + chr(ord(note[position]) ^ 1) + note[position + 1 :]
        with pytest.raises(InvalidCheckpoint) as caught:
            open_signed_checkpoint(changed, verifier)
        assert caught.value.reason == "bad_signature"

    def test_flipped_signature_byte_fails(
        self, key: Ed25519PrivateKey, verifier: NoteVerifier
    ) -> None:
        note = sign_checkpoint(Checkpoint(ORIGIN, 7, ROOT), key, ORIGIN)
        body, line = note.split("\n\n")
        prefix, encoded = line.rsplit(" ", 1)
        raw = bytearray(base64.b64decode(encoded))
        raw[10] ^= 0x01
        changed = f"{body}\n\n{prefix} {base64.b64encode(raw).decode()}\n"
        with pytest.raises(InvalidCheckpoint) as caught:
            open_signed_checkpoint(changed, verifier)
        assert caught.value.reason == "bad_signature"

    def test_another_key_fails(self, verifier: NoteVerifier) -> None:
        other = Ed25519PrivateKey.generate()
        note = sign_checkpoint(Checkpoint(ORIGIN, 7, ROOT), other, ORIGIN)
        with pytest.raises(InvalidCheckpoint, match="no signature by") as caught:
            open_signed_checkpoint(note, verifier)
        assert caught.value.reason == "unknown_key"

    def test_same_key_under_another_name_fails(
        self, key: Ed25519PrivateKey, verifier: NoteVerifier
    ) -> None:
        note = sign_checkpoint(Checkpoint(ORIGIN, 7, ROOT), key, "someone-else")
        with pytest.raises(InvalidCheckpoint) as caught:
            open_signed_checkpoint(note, verifier)
        assert caught.value.reason == "unknown_key"

    @pytest.mark.parametrize(
        ("body", "reason"),
        [
            (f"{ORIGIN}\n07\n{base64.b64encode(ROOT).decode()}\n", "bad_size"),
            (f"{ORIGIN}\n-1\n{base64.b64encode(ROOT).decode()}\n", "bad_size"),
            (f"{ORIGIN}\n{2**64}\n{base64.b64encode(ROOT).decode()}\n", "bad_size"),
            (f"{ORIGIN}\n\uff17\n{base64.b64encode(ROOT).decode()}\n", "bad_size"),
            (f"{ORIGIN}\n7\n{base64.b64encode(ROOT[:31]).decode()}\n", "bad_root"),
            (f"{ORIGIN}\n7\n{base64.b64encode(ROOT).decode()[:-1]}\n", "bad_root"),
            (f"{ORIGIN}\n7\n{URLSAFE_ROOT}\n", "bad_root"),
            (f"{ORIGIN}\n7\n", "malformed"),
            (f"{ORIGIN}\n7\n{base64.b64encode(ROOT).decode()}\n\next\n", "malformed"),
        ],
    )
    def test_bad_body_lines_are_named(
        self, key: Ed25519PrivateKey, verifier: NoteVerifier, body: str, reason: str
    ) -> None:
        note = sign_note(body, key, ORIGIN)
        with pytest.raises(InvalidCheckpoint) as caught:
            open_signed_checkpoint(note, verifier)
        assert caught.value.reason == reason

    def test_extension_lines_are_accepted_and_ignored(self) -> None:
        body = f"{ORIGIN}\n7\n{base64.b64encode(ROOT).decode()}\nextension\n"
        assert parse_checkpoint_body(body) == Checkpoint(ORIGIN, 7, ROOT)

    def test_c2sp_example_body_parses(self) -> None:
        body = (
            "example.com/behind-the-sofa\n20852163\n"
            "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"
        )
        checkpoint = parse_checkpoint_body(body)
        assert checkpoint.tree_size == 20852163
        assert checkpoint.body() == body

    @pytest.mark.parametrize(
        ("origin", "size", "root"),
        [("", 1, ROOT), ("a\nb", 1, ROOT), (ORIGIN, -1, ROOT), (ORIGIN, 1, b"x")],
    )
    def test_invalid_checkpoints_cannot_be_built(
        self, origin: str, size: int, root: bytes
    ) -> None:
        with pytest.raises(ValueError):
            Checkpoint(origin, size, root)

    @pytest.mark.parametrize("name", ["", "a b", "a+b"])
    def test_invalid_key_names_cannot_sign(
        self, key: Ed25519PrivateKey, name: str
    ) -> None:
        with pytest.raises(ValueError, match="key name"):
            sign_checkpoint(Checkpoint(ORIGIN, 1, ROOT), key, name)


class TestSigningKeyFile:
    def test_key_is_created_with_mode_0600_and_reloaded(self, tmp_path: Path) -> None:
        path = tmp_path / "log-key.pem"
        created = load_or_create_signing_key(path)
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert path.read_bytes().startswith(b"-----BEGIN PRIVATE KEY-----")
        reloaded = load_or_create_signing_key(path)
        assert verifier_key_for(reloaded, ORIGIN) == verifier_key_for(created, ORIGIN)
        assert [p.name for p in tmp_path.iterdir()] == ["log-key.pem"]

    def test_a_non_ed25519_key_is_refused(self, tmp_path: Path) -> None:
        path = tmp_path / "log-key.pem"
        pem = generate_private_key(SECP256R1()).private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        path.write_bytes(pem)
        with pytest.raises(ValueError, match="not an Ed25519 key"):
            load_or_create_signing_key(path)
