"""`samverkan rules replay`: what a proposed catalogue would change in stored decisions."""

import json
from pathlib import Path
from typing import Any

import pytest

from samverkan_shared.cli import main
from samverkan_sharing.rules import CATALOGUE, catalogue_to_json
from services.sharing.tests.test_disclosures import GROVT_BEDRAGERI, _request


def test_replay_lists_fields_a_proposed_catalogue_would_change(
    sharing: Any,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    decided = _request(
        sharing, GROVT_BEDRAGERI, fields=["persons", "supplier.name"]
    ).json()
    assert decided["outcome"] == "release"
    proposal = json.loads(catalogue_to_json(CATALOGUE))
    # The lawyer's proposal: drop OSL 10:23 in its 2025 wording.
    proposal["rules"] = [r for r in proposal["rules"] if r["id"] != "osl-10-23-2025"]
    proposal["version"] = "2027-01-01.1"
    path = tmp_path / "proposal.json"
    path.write_text(json.dumps(proposal))
    monkeypatch.setenv("SHARING_DATABASE_URL", sharing.settings.effective_database_url)

    assert main(["rules", "replay", "--catalogue", str(path)]) == 0

    out, err = capsys.readouterr()
    changes = [json.loads(line) for line in out.splitlines()]
    assert [(c["decision_id"], c["field"], c["old_outcome"]) for c in changes] == [
        (decided["id"], "persons", "release")
    ]
    assert changes[0]["old_basis"] == ["OSL 10:23"]
    assert changes[0]["new_outcome"] != "release"
    assert "1 field outcome(s) would change across 1 stored decision(s)" in err


def test_replay_with_the_shipped_catalogue_changes_nothing(
    sharing: Any,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _request(sharing, GROVT_BEDRAGERI)
    path = tmp_path / "same.json"
    path.write_text(catalogue_to_json(CATALOGUE))
    monkeypatch.setenv("SHARING_DATABASE_URL", sharing.settings.effective_database_url)
    assert main(["rules", "replay", "--catalogue", str(path)]) == 0
    assert capsys.readouterr().out == ""


def test_invalid_catalogue_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "broken.json"
    path.write_text("{not json")
    assert main(["rules", "replay", "--catalogue", str(path)]) == 2
    assert "--catalogue" in capsys.readouterr().err
