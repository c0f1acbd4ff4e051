"""Start-up: the checkpoint key is provisioned outside the demo, generated in it."""

import stat
from pathlib import Path

import pytest

from samverkan_audit_log.app import create_app
from samverkan_audit_log.checkpoints.signed_note import parse_verifier_key
from samverkan_audit_log.checkpoints.signer import MissingSigningKey, load_signer
from samverkan_audit_log.settings import DEFAULT_ORIGIN, AuditLogSettings


def test_outside_the_demo_a_missing_key_stops_the_start(tmp_path: Path) -> None:
    settings = AuditLogSettings(data_dir=tmp_path, demo=False)
    with pytest.raises(MissingSigningKey) as raised:
        create_app(settings, pseudonym_key=bytes(32))
    assert str(tmp_path / "audit-log-signing-key.pem") in str(raised.value)
    assert not (tmp_path / "audit-log-signing-key.pem").exists()


def test_the_demo_creates_an_owner_only_key_once(tmp_path: Path) -> None:
    settings = AuditLogSettings(data_dir=tmp_path, demo=True)
    first = load_signer(settings)
    path = tmp_path / "audit-log-signing-key.pem"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_signer(settings).verifier_key == first.verifier_key
    assert parse_verifier_key(first.verifier_key).name == DEFAULT_ORIGIN


def test_origin_and_key_file_come_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    key_file = tmp_path / "keys" / "log.pem"
    monkeypatch.setenv("AUDIT_LOG_ORIGIN", "kommun.example/audit-log")
    monkeypatch.setenv("AUDIT_SIGNING_KEY_FILE", str(key_file))
    settings = AuditLogSettings(data_dir=tmp_path, demo=True)
    signer = load_signer(settings)
    assert key_file.exists()
    assert signer.verifier_key.startswith("kommun.example/audit-log+")


def test_an_origin_that_cannot_name_a_key_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="AUDIT_LOG_ORIGIN"):
        AuditLogSettings(data_dir=tmp_path, origin="has space")
