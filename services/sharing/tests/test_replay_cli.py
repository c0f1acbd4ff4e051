"""`samverkan rules replay`: what a proposed catalogue would change in stored decisions."""

import json
from pathlib import Path
from typing import Any

import pytest

from samverkan_shared.cli import main
from samverkan_sharing.rules import CATALOGUE, catalogue_to_json
from tests.support.payloads import GROVT_BEDRAGERI
from tests.support.sharing import request_disclosure


def test_replay_lists_fields_a_proposed_catalogue_would_change(
    sharing: Any,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    decided = request_disclosure(
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
    request_disclosure(sharing, GROVT_BEDRAGERI)
    path = tmp_path / "same.json"
    path.write_text(catalogue_to_json(CATALOGUE))
    monkeypatch.setenv("SHARING_DATABASE_URL", sharing.settings.effective_database_url)
    assert main(["rules", "replay", "--catalogue", str(path)]) == 0
    assert capsys.readouterr().out == ""


def _as_if_stored_by_an_older_catalogue(sharing: Any, category: str) -> str:
    """Rewrite a stored decision as catalogue 2026-01-01.2 took it: the reporter's
    identity released under OSL 10:23, which today's catalogue holds for a person."""
    from sqlalchemy.orm.attributes import flag_modified
    from sqlmodel import Session, select

    from samverkan_sharing.disclosures.models import DisclosureRecord

    with Session(sharing.client.app.platform.engine) as session:
        record = session.exec(select(DisclosureRecord)).one()
        for part in record.query["parts"]:
            for field in part["query"]["fields"]:
                field["category"] = category
        record.decision = {**record.decision, "catalogue_version": "2026-01-01.2"}
        flag_modified(record, "query")
        session.add(record)
        session.commit()
        return record.id


def test_replay_with_no_catalogue_lists_what_the_shipped_one_flips(
    sharing: Any,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Issue #15: after the corrections, `samverkan rules replay` lists the stored
    decisions they flip, naming the catalogue each was taken under."""
    request_disclosure(sharing, GROVT_BEDRAGERI, fields=["persons"])
    decision_id = _as_if_stored_by_an_older_catalogue(sharing, "tipster_social")
    monkeypatch.setenv("SHARING_DATABASE_URL", sharing.settings.effective_database_url)

    assert main(["rules", "replay"]) == 0

    out, err = capsys.readouterr()
    (change,) = [json.loads(line) for line in out.splitlines()]
    assert change == {
        "decision_id": decision_id,
        "field": "persons",
        "old_outcome": "release",
        "new_outcome": "needs_assessment",
        "old_basis": ["OSL 10:23"],
        "new_basis": ["OSL 10:23", "OSL 10:15 a"],
        "old_catalogue": "2026-01-01.2",
        "new_catalogue": CATALOGUE.version,
    }
    assert f"under catalogue {CATALOGUE.version}" in err


def test_a_stored_query_today_s_engine_refuses_is_named_not_replayed(
    sharing: Any,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    request_disclosure(sharing, GROVT_BEDRAGERI, fields=["persons"])
    decision_id = _as_if_stored_by_an_older_catalogue(sharing, "no_such_category")
    monkeypatch.setenv("SHARING_DATABASE_URL", sharing.settings.effective_database_url)

    assert main(["rules", "replay"]) == 0

    out, err = capsys.readouterr()
    assert out == ""
    assert f"not replayed: {decision_id}: fields[0].category: unknown value" in err


def test_invalid_catalogue_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "broken.json"
    path.write_text("{not json")
    assert main(["rules", "replay", "--catalogue", str(path)]) == 2
    assert "--catalogue" in capsys.readouterr().err


def test_clients_add_list_and_revoke_from_the_command_line(
    sharing: Any,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("SHARING_DATABASE_URL", sharing.settings.effective_database_url)
    argv = [
        "clients",
        "add",
        "--name",
        "EBM",
        "--org-number",
        "2021004979",
        "--kind",
        "partner",
    ]
    assert (
        main(
            [
                *argv,
                "--recipient",
                "ekobrottsmyndigheten",
                "--scopes",
                "disclosures:request",
            ]
        )
        == 0
    )
    added = json.loads(capsys.readouterr().out)
    assert set(added) == {"client_id", "client_secret"}
    token = sharing.token(added["client_id"], added["client_secret"])
    assert token
    assert main(["clients", "list"]) == 0
    listed = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    ebm = next(c for c in listed if c["client_id"] == added["client_id"])
    assert ebm["org_number"] == "202100-4979"
    assert "client_secret" not in ebm
    assert main(["clients", "revoke", added["client_id"]]) == 0
    refused = sharing.client.post(
        "/oauth/token",
        data={"grant_type": "client_credentials"},
        auth=(added["client_id"], added["client_secret"]),
    )
    assert refused.status_code == 401


def test_clients_add_refuses_a_partner_without_recipient(
    sharing: Any, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("SHARING_DATABASE_URL", sharing.settings.effective_database_url)
    argv = [
        "clients",
        "add",
        "--name",
        "X",
        "--org-number",
        "2021004979",
        "--kind",
        "partner",
    ]
    assert main([*argv, "--scopes", "disclosures:request"]) == 2
    assert "a partner needs --recipient" in capsys.readouterr().err


def test_clients_add_with_jwks_prints_no_secret(
    sharing: Any,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from authlib.jose import JsonWebKey

    key = JsonWebKey.generate_key("EC", "P-256", is_private=True)
    jwks = tmp_path / "jwks.json"
    jwks.write_text(json.dumps({"keys": [key.as_dict(is_private=False)]}))
    monkeypatch.setenv("SHARING_DATABASE_URL", sharing.settings.effective_database_url)
    argv = ["clients", "add", "--name", "Polisen", "--org-number", "2021000076"]
    argv += ["--kind", "partner", "--recipient", "polismyndigheten"]
    assert main([*argv, "--scopes", "disclosures:request", "--jwks", str(jwks)]) == 0
    assert set(json.loads(capsys.readouterr().out)) == {"client_id"}


def test_the_cli_offers_exactly_the_kinds_registration_accepts() -> None:
    # cli.py keeps its own copy so that `samverkan --help` need not import the
    # OAuth server; register_client is the one that decides.
    from samverkan_sharing.cli import CLIENT_KINDS
    from samverkan_sharing.oauth.registration import CLIENT_KINDS as ACCEPTED

    assert CLIENT_KINDS == ACCEPTED
