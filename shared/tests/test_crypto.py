"""Field encryption: round trips, tamper detection, row binding, key files and rotation."""

import base64
import json
import os
import re
import stat
from pathlib import Path

import pytest

from samverkan_shared.crypto import (
    DecryptionFailed,
    InvalidKeyring,
    Keyring,
    UnknownKey,
    create_keyring_file,
    load_keyring,
    rotate_keyring_file,
)
from samverkan_shared.keyfiles import create_secret_file, write_secret_file

ROW = b"tips/0b7c/description"


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def mode_of(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def keyring() -> Keyring:
    return Keyring.generate()


class TestEncryption:
    @pytest.mark.parametrize(
        ("plaintext", "expected"),
        [
            pytest.param(b"\x00binary\xff", b"\x00binary\xff", id="bytes"),
            pytest.param("Hälsa: brännskada", "Hälsa: brännskada".encode(), id="str"),
            pytest.param(b"", b"", id="empty"),
        ],
    )
    def test_round_trip(
        self, keyring: Keyring, plaintext: bytes | str, expected: bytes
    ) -> None:
        token = keyring.encrypt(plaintext, associated_data=ROW)
        assert keyring.decrypt(token, associated_data=ROW) == expected

    def test_token_names_version_and_current_key(self, keyring: Keyring) -> None:
        version, key_id, nonce, sealed = keyring.encrypt(
            b"secret", associated_data=ROW
        ).split(".")
        assert (version, key_id) == ("v1", keyring.current)
        assert len(unb64url(nonce)) == 12
        assert len(unb64url(sealed)) == len(b"secret") + 16
        assert b"secret" not in unb64url(sealed)

    def test_every_encryption_uses_a_fresh_nonce(self, keyring: Keyring) -> None:
        tokens = [keyring.encrypt(b"same", associated_data=ROW) for _ in range(200)]
        assert len(set(tokens)) == 200
        assert len({token.split(".")[2] for token in tokens}) == 200

    @pytest.mark.parametrize("part", [2, 3], ids=["nonce", "ciphertext"])
    def test_a_flipped_bit_is_detected(self, keyring: Keyring, part: int) -> None:
        parts = keyring.encrypt(b"payload", associated_data=ROW).split(".")
        altered = bytearray(unb64url(parts[part]))
        altered[0] ^= 0x01
        parts[part] = b64url(bytes(altered))
        with pytest.raises(DecryptionFailed, match="does not authenticate"):
            keyring.decrypt(".".join(parts), associated_data=ROW)

    def test_a_truncated_tag_is_detected(self, keyring: Keyring) -> None:
        parts = keyring.encrypt(b"payload", associated_data=ROW).split(".")
        parts[3] = b64url(unb64url(parts[3])[:-1])
        with pytest.raises(DecryptionFailed):
            keyring.decrypt(".".join(parts), associated_data=ROW)

    def test_a_token_moved_to_another_row_does_not_decrypt(
        self, keyring: Keyring
    ) -> None:
        token = keyring.encrypt(b"payload", associated_data=ROW)
        with pytest.raises(DecryptionFailed, match="another row or field"):
            keyring.decrypt(token, associated_data=b"tips/9f21/description")

    def test_relabelled_key_id_with_the_same_key_is_detected(self) -> None:
        """The header is authenticated, not only the ciphertext."""
        key = bytes(32)
        keyring = Keyring(current="a", keys={"a": key, "b": key})
        token = keyring.encrypt(b"payload", associated_data=ROW)
        with pytest.raises(DecryptionFailed):
            keyring.decrypt(token.replace("v1.a.", "v1.b.", 1), associated_data=ROW)

    def test_unknown_key_id_is_named(self, keyring: Keyring) -> None:
        token = Keyring.generate().encrypt(b"payload", associated_data=ROW)
        stranger = token.split(".")[1]
        with pytest.raises(UnknownKey, match=stranger):
            keyring.decrypt(token, associated_data=ROW)

    @pytest.mark.parametrize(
        "token",
        [
            pytest.param("", id="empty"),
            pytest.param("plain text", id="not a token"),
            pytest.param("v2.k.AAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAA", id="version"),
            pytest.param("v1.k.AAAAAAAAAAAAAAAA", id="three parts"),
            pytest.param("v1.k.AAAA.AAAAAAAAAAAAAAAAAAAAAA", id="short nonce"),
            pytest.param("v1.k.AAAAAAAAAAAAAAAA.AAAA", id="shorter than a tag"),
            pytest.param(
                "v1.k.AAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAA+", id="not base64url"
            ),
            pytest.param(
                "v1.k.AAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAB", id="non-canonical"
            ),
            pytest.param("v1.k.AAAAAAAAAAAAAAAA.A", id="impossible length"),
        ],
    )
    def test_malformed_tokens_are_refused(self, keyring: Keyring, token: str) -> None:
        with pytest.raises(DecryptionFailed):
            keyring.decrypt(token, associated_data=ROW)

    def test_associated_data_is_required(self, keyring: Keyring) -> None:
        with pytest.raises(ValueError, match="associated_data"):
            keyring.encrypt(b"payload", associated_data=b"")

    def test_repr_shows_no_key_material(self) -> None:
        key = bytes(range(32))
        keyring = Keyring(current="k1", keys={"k1": key})
        text = repr(keyring)
        assert "k1" in text
        assert base64.b64encode(key).decode() not in text
        assert repr(key) not in text

    @pytest.mark.parametrize(
        ("current", "keys", "message"),
        [
            pytest.param("k1", {"k1": bytes(16)}, "has 16 bytes", id="AES-128 key"),
            pytest.param(
                "k2", {"k1": bytes(32)}, "current key id 'k2'", id="no current"
            ),
            pytest.param("a.b", {"a.b": bytes(32)}, "key id is 1–64", id="dot in id"),
        ],
    )
    def test_invalid_keyrings_are_refused(
        self, current: str, keys: dict[str, bytes], message: str
    ) -> None:
        with pytest.raises(InvalidKeyring, match=message):
            Keyring(current=current, keys=keys)


class TestReseal:
    def test_moves_a_token_to_the_current_key_keeping_its_plaintext(
        self, keyring: Keyring
    ) -> None:
        old = keyring.encrypt("Barnet far illa.", associated_data=ROW)
        rotated = keyring.with_new_current_key()
        fresh = rotated.reseal(old, associated_data=ROW)
        assert fresh is not None
        assert rotated.key_id_of(old) == keyring.current
        assert rotated.key_id_of(fresh) == rotated.current != keyring.current
        only_new = Keyring(
            rotated.current, {rotated.current: rotated.keys[rotated.current]}
        )
        assert only_new.decrypt(fresh, associated_data=ROW) == b"Barnet far illa."

    def test_a_token_under_the_current_key_is_left_alone(
        self, keyring: Keyring
    ) -> None:
        token = keyring.encrypt("x", associated_data=ROW)
        assert keyring.reseal(token, associated_data=ROW) is None

    def test_an_altered_or_misplaced_token_is_refused_not_resealed(
        self, keyring: Keyring
    ) -> None:
        token = keyring.encrypt("x", associated_data=ROW)
        rotated = keyring.with_new_current_key()
        with pytest.raises(DecryptionFailed):
            rotated.reseal(token, associated_data=b"tips/other/description")
        version, key_id, nonce, sealed = token.split(".")
        flipped = b64url(bytes([unb64url(sealed)[0] ^ 1]) + unb64url(sealed)[1:])
        with pytest.raises(DecryptionFailed):
            rotated.reseal(
                ".".join((version, key_id, nonce, flipped)), associated_data=ROW
            )


class TestKeyFiles:
    def test_created_file_is_owner_only_and_loads(self, tmp_path: Path) -> None:
        path = tmp_path / "keys.json"
        created = create_keyring_file(path)
        assert mode_of(path) == 0o600
        assert load_keyring(path) == created
        document = json.loads(path.read_text())
        assert document["current"] == created.current
        assert (
            base64.b64decode(document["keys"][created.current])
            == (created.keys[created.current])
        )

    def test_mode_does_not_depend_on_the_umask(self, tmp_path: Path) -> None:
        previous = os.umask(0)
        try:
            create_keyring_file(tmp_path / "keys.json")
            write_secret_file(tmp_path / "private.pem", b"secret")
        finally:
            os.umask(previous)
        assert mode_of(tmp_path / "keys.json") == 0o600
        assert mode_of(tmp_path / "private.pem") == 0o600

    def test_create_never_replaces_an_existing_file(self, tmp_path: Path) -> None:
        path = tmp_path / "keys.json"
        first = create_keyring_file(path)
        with pytest.raises(FileExistsError):
            create_keyring_file(path)
        assert load_keyring(path) == first
        assert sorted(os.listdir(tmp_path)) == ["keys.json"]

    def test_rotation_keeps_old_tokens_readable(self, tmp_path: Path) -> None:
        path = tmp_path / "keys.json"
        before = create_keyring_file(path)
        old_token = before.encrypt(b"before rotation", associated_data=ROW)

        rotated = rotate_keyring_file(path)
        after = load_keyring(path)

        assert after == rotated
        assert after.current != before.current
        assert set(after.keys) == {before.current, after.current}
        assert after.decrypt(old_token, associated_data=ROW) == b"before rotation"
        new_token = after.encrypt(b"after rotation", associated_data=ROW)
        assert new_token.split(".")[1] == after.current
        with pytest.raises(UnknownKey):
            before.decrypt(new_token, associated_data=ROW)
        assert mode_of(path) == 0o600
        assert sorted(os.listdir(tmp_path)) == ["keys.json"]

    def test_write_secret_file_replaces_and_tightens(self, tmp_path: Path) -> None:
        path = tmp_path / "private.pem"
        path.write_bytes(b"old")
        path.chmod(0o644)
        write_secret_file(path, b"new")
        assert path.read_bytes() == b"new"
        assert mode_of(path) == 0o600
        assert sorted(os.listdir(tmp_path)) == ["private.pem"]

    def test_create_secret_file_refuses_an_existing_path(self, tmp_path: Path) -> None:
        path = tmp_path / "private.pem"
        path.write_bytes(b"keep me")
        with pytest.raises(FileExistsError):
            create_secret_file(path, b"other")
        assert path.read_bytes() == b"keep me"


class TestLoadKeyring:
    def test_from_environment_value(self) -> None:
        key = base64.b64encode(bytes(32)).decode()
        value = json.dumps({"current": "k1", "keys": {"k1": key}})
        assert load_keyring(None, value) == Keyring(
            current="k1", keys={"k1": bytes(32)}
        )

    def test_blank_environment_value_counts_as_absent(self, tmp_path: Path) -> None:
        path = tmp_path / "keys.json"
        created = create_keyring_file(path)
        assert load_keyring(path, "  ") == created

    @pytest.mark.parametrize(
        ("document", "message"),
        [
            pytest.param("{not json", "is not JSON", id="not JSON"),
            pytest.param("[]", "must be an object", id="array"),
            pytest.param('{"current": "k1"}', "must be an object", id="no keys"),
            pytest.param(
                '{"current": "k1", "keys": {}}', "must be an object", id="empty keys"
            ),
            pytest.param(
                '{"current": "k1", "keys": {"k1": 7}}', "base64 string", id="number"
            ),
            pytest.param(
                '{"current": "k1", "keys": {"k1": "***"}}',
                "not valid base64",
                id="bad base64",
            ),
            pytest.param(
                '{"current": "k1", "keys": {"k1": "AAAA"}}',
                "has 3 bytes",
                id="short key",
            ),
            pytest.param(
                '{"current": "k2", "keys": {"k1": "' + "A" * 43 + '="}}',
                "current key id 'k2' has no key",
                id="current missing",
            ),
        ],
    )
    def test_malformed_documents_are_refused(self, document: str, message: str) -> None:
        with pytest.raises(InvalidKeyring, match=message):
            load_keyring(None, document)

    def test_errors_do_not_echo_key_material(self) -> None:
        secret = base64.b64encode(b"S" * 32).decode()
        with pytest.raises(InvalidKeyring) as caught:
            load_keyring(None, '{"current": "k1", "keys": {"k1": "' + secret + '"')
        assert secret not in str(caught.value)

    def test_both_sources_are_ambiguous(self, tmp_path: Path) -> None:
        with pytest.raises(InvalidKeyring, match="exactly one"):
            load_keyring(tmp_path / "keys.json", '{"current": "k1"}')

    def test_no_source_is_an_error(self) -> None:
        with pytest.raises(InvalidKeyring, match="no encryption keys configured"):
            load_keyring(None, None)

    def test_missing_file_is_named(self, tmp_path: Path) -> None:
        path = tmp_path / "absent.json"
        with pytest.raises(
            InvalidKeyring, match=re.escape(f"cannot read key file {path}")
        ):
            load_keyring(path)
