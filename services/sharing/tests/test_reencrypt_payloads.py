"""`samverkan disclosures reencrypt`: released payloads move to the current key."""

import json
from typing import Any

import pytest
from sqlalchemy import select

from samverkan_shared.canonical_json import canonicalize
from samverkan_shared.cli import main
from samverkan_shared.crypto import Keyring, rotate_keyring_file
from samverkan_shared.db_types import table_of
from samverkan_sharing.disclosures.models import DisclosureRecord
from samverkan_sharing.disclosures.records import payload_aad
from samverkan_sharing.disclosures.reencrypt import reencrypt_payloads
from tests.support.payloads import GROVT_BEDRAGERI
from tests.support.sharing import request_disclosure


def _payloads(sharing: Any) -> dict[str, str]:
    disclosures = table_of(DisclosureRecord)
    with sharing.client.app.platform.engine.connect() as connection:
        rows = connection.execute(
            select(disclosures.c.id, disclosures.c.payload_ciphertext)
        )
        return {row.id: row.payload_ciphertext for row in rows}


def test_released_payloads_move_to_the_new_key_and_read_the_same(
    sharing: Any,
) -> None:
    released = [request_disclosure(sharing, GROVT_BEDRAGERI).json() for _ in range(3)]
    keyring = sharing.settings.keyring()
    rotated = keyring.with_new_current_key()

    report = reencrypt_payloads(sharing.client.app.platform.engine, rotated)

    assert (report.rows, report.resealed, report.complete) == (3, 3, True)
    only_new = Keyring(
        rotated.current, {rotated.current: rotated.keys[rotated.current]}
    )
    stored = _payloads(sharing)
    for disclosure in released:
        token = stored[disclosure["id"]]
        assert only_new.key_id_of(token) == rotated.current
        plain = only_new.decrypt(token, associated_data=payload_aad(disclosure["id"]))
        assert plain == canonicalize(disclosure["released"])


def test_the_command_uses_the_configured_keyring(
    sharing: Any,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    request_disclosure(sharing, GROVT_BEDRAGERI)
    key_file = sharing.settings.effective_key_file
    rotated = rotate_keyring_file(key_file)
    monkeypatch.setenv("SHARING_DATABASE_URL", sharing.settings.effective_database_url)
    monkeypatch.setenv("SHARING_ENCRYPTION_KEY_FILE", str(key_file))

    assert main(["disclosures", "reencrypt"]) == 0
    assert (
        f"1 field re-encrypted under key {rotated.current}" in capsys.readouterr().out
    )
    [token] = [t for t in _payloads(sharing).values() if t]
    assert rotated.key_id_of(token) == rotated.current
    assert json.loads(key_file.read_text())["current"] == rotated.current
