"""Sensitive fields are ciphertext at rest, bound to their row and field, and survive rotation."""

import base64
import json
import uuid
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url
from sqlmodel import Session, select

from samverkan_shared.cli import main
from samverkan_shared.crypto import (
    DecryptionFailed,
    InvalidKeyring,
    Keyring,
    load_keyring,
    rotate_keyring_file,
)
from samverkan_tips.settings import TipsSettings
from samverkan_tips.tips.models import TipRecord
from samverkan_tips.tips.reencrypt import reencrypt_tips


def _raw_database(engine: Engine, url: str) -> bytes:
    """Every byte the database holds for the tips (files on SQLite, row text on PostgreSQL)."""
    if engine.dialect.name == "sqlite":
        path = Path(make_url(url).database or "")
        files = [path, path.with_name(path.name + "-wal")]
        return b"".join(f.read_bytes() for f in files if f.exists())
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT t::text FROM tips t")).scalars().all()
        keys = connection.execute(text("SELECT k::text FROM idempotency_keys k")).all()
    return ("\n".join(rows) + repr(keys)).encode()


def test_plaintext_never_reaches_the_database(
    client: TestClient, writer: dict[str, str], engine: Engine, tips_url: str, kit: Any
) -> None:
    kit.file(
        client,
        writer,
        persons=[
            {"personal_number": kit.child, "role": "placed_child"},
            {"personal_number": kit.adult, "role": "relative"},
        ],
    )
    raw = _raw_database(engine, tips_url)
    assert b"556677-8899" in raw  # the search key is in clear: the check is not vacuous
    for secret in (
        kit.narrative,
        "Nattpersonal",
        kit.child,
        kit.child.replace("-", ""),
        kit.adult,
        kit.email,
    ):
        assert secret.encode() not in raw


def test_each_token_is_bound_to_its_tip_and_field(
    client: TestClient,
    writer: dict[str, str],
    engine: Engine,
    keyring: Keyring,
    kit: Any,
) -> None:
    first, second = kit.file(client, writer)["id"], kit.file(client, writer)["id"]
    with Session(engine) as session:
        one = session.get(TipRecord, uuid.UUID(first))
        other = session.get(TipRecord, uuid.UUID(second))
        assert one is not None
        assert other is not None
        assert one.description_sealed.split(".")[1] == keyring.current
        with pytest.raises(DecryptionFailed):  # another tip's token
            keyring.decrypt(
                other.description_sealed,
                associated_data=f"tips/{first}/description".encode(),
            )
        with pytest.raises(DecryptionFailed):  # another field's token
            keyring.decrypt(
                one.persons_sealed, associated_data=f"tips/{first}/description".encode()
            )


def test_tips_stay_readable_after_a_key_rotation(
    make_client: Any,
    writer: dict[str, str],
    manager: dict[str, str],
    engine: Engine,
    keyring: Keyring,
    kit: Any,
) -> None:
    old = kit.file(make_client(), writer)
    rotated = keyring.with_new_current_key()
    client = make_client(rotated)
    new = kit.file(client, writer)
    for tip in (old, new):
        read = client.get(f"/v1/tips/{tip['id']}", headers=manager).json()
        assert (read["description"], read["persons"]) == (kit.narrative, tip["persons"])
    with Session(engine) as session:
        key_ids = {
            str(r.id): r.description_sealed.split(".")[1]
            for r in session.exec(select(TipRecord)).all()
        }
    assert key_ids == {old["id"]: keyring.current, new["id"]: rotated.current}


class TestKeySettings:
    """Where the keys come from: a file, the environment, or (demo only) a new file."""

    def test_the_demo_generates_a_key_file_once(self, tmp_path: Path) -> None:
        settings = TipsSettings(data_dir=tmp_path, demo=True)
        first = settings.keyring()
        assert (tmp_path / "tips-encryption-keys.json").stat().st_mode & 0o777 == 0o600
        assert settings.keyring() == first

    def test_outside_the_demo_a_missing_key_is_a_start_up_error(
        self, tmp_path: Path
    ) -> None:
        with pytest.raises(InvalidKeyring, match="TIPS_ENCRYPTION_KEY_FILE"):
            TipsSettings(data_dir=tmp_path, demo=False).keyring()
        assert not (tmp_path / "tips-encryption-keys.json").exists()

    def test_keys_from_the_environment(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        keyring = Keyring.generate()
        document = {
            "current": keyring.current,
            "keys": {
                keyring.current: base64.b64encode(
                    keyring.keys[keyring.current]
                ).decode()
            },
        }
        monkeypatch.setenv("TIPS_ENCRYPTION_KEYS", json.dumps(document))
        monkeypatch.setenv("SAMVERKAN_DATA_DIR", str(tmp_path))
        assert TipsSettings().keyring() == keyring

    def test_a_key_file_from_the_environment_and_rotation(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        path = tmp_path / "keys.json"
        TipsSettings(encryption_key_file=path, demo=True).keyring()
        rotated = rotate_keyring_file(path)
        monkeypatch.setenv("TIPS_ENCRYPTION_KEY_FILE", str(path))
        assert TipsSettings().keyring() == rotated == load_keyring(path)


class TestReencryption:
    """After a rotation, `samverkan tips reencrypt` moves every sealed field to the
    current key, so the old key can leave the keyring (e.g. after a suspected leak)."""

    def test_every_field_moves_to_the_new_key_and_the_old_key_can_go(
        self,
        make_client: Any,
        writer: dict[str, str],
        manager: dict[str, str],
        engine: Engine,
        keyring: Keyring,
        kit: Any,
    ) -> None:
        client = make_client()
        with_email = kit.file(client, writer)
        without_email = kit.file(
            client, writer, reporter={**kit.body()["reporter"], "contact_email": None}
        )
        rotated = keyring.with_new_current_key()

        report = reencrypt_tips(engine, rotated)

        # description + persons for both, the contact e-mail for one.
        assert (report.rows, report.resealed, report.complete) == (2, 5, True)
        with Session(engine) as session:
            tokens = [
                token
                for r in session.exec(select(TipRecord)).all()
                for token in (
                    r.description_sealed,
                    r.persons_sealed,
                    r.contact_email_sealed,
                )
                if token is not None
            ]
        assert {rotated.key_id_of(token) for token in tokens} == {rotated.current}
        only_new = Keyring(
            rotated.current, {rotated.current: rotated.keys[rotated.current]}
        )
        reader = make_client(only_new)
        for tip in (with_email, without_email):
            read = reader.get(f"/v1/tips/{tip['id']}", headers=manager).json()
            assert (read["description"], read["persons"]) == (
                kit.narrative,
                tip["persons"],
            )
            assert read["reporter"] == tip["reporter"]
        assert (
            reencrypt_tips(engine, rotated).resealed == 0
        )  # a rerun has nothing to do

    def test_the_command_reports_and_exits_zero_when_done(
        self,
        client: TestClient,
        writer: dict[str, str],
        tips_url: str,
        tmp_path: Path,
        keyring: Keyring,
        kit: Any,
        monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str],
    ) -> None:
        kit.file(client, writer)
        rotated = keyring.with_new_current_key()
        keys = {k: base64.b64encode(v).decode() for k, v in rotated.keys.items()}
        monkeypatch.setenv("TIPS_DATABASE_URL", tips_url)
        monkeypatch.setenv(
            "TIPS_ENCRYPTION_KEYS",
            json.dumps({"current": rotated.current, "keys": keys}),
        )
        assert main(["tips", "reencrypt"]) == 0
        out = capsys.readouterr().out
        assert f"1 row read, 3 fields re-encrypted under key {rotated.current}" in out
        assert "older keys can go" in out

    def test_without_a_keyring_the_command_says_so(
        self,
        tips_url: str,
        tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str],
    ) -> None:
        monkeypatch.setenv("TIPS_DATABASE_URL", tips_url)
        monkeypatch.setenv("SAMVERKAN_DATA_DIR", str(tmp_path / "none"))
        monkeypatch.delenv("SAMVERKAN_DEMO", raising=False)
        assert main(["tips", "reencrypt"]) == 2
        assert "encryption key file" in capsys.readouterr().err
