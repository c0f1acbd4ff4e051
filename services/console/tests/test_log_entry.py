"""One entry of the compliance pages over HTTP against the running suite: its page,
and the proofs its page verifies in the browser (inclusion under the signed checkpoint,
consistency between two trees) with their problems."""

import base64
import hashlib
import json

import httpx
import pytest

from samverkan_audit_log.checkpoints.signed_note import (
    open_signed_checkpoint,
    parse_verifier_key,
)
from samverkan_audit_log.merkle import (
    root_from_leaf_hashes,
    verify_consistency,
    verify_inclusion,
)
from samverkan_console.settings import ConsoleSettings
from samverkan_shared.supervisor import Suite
from tests.support.console import (
    ConsoleUser,
    compliance_entries,
    read_log,
    signed_in_person,
)

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def entries(running_suite: Suite) -> dict[str, int]:
    return compliance_entries(running_suite)


compliance = signed_in_person("compliance")


def pinned_key(suite: Suite) -> str:
    return ConsoleSettings(data_dir=suite.data_dir).pinned_log_key() or ""


class TestEntry:
    def test_shows_the_decisions_facts(
        self, running_suite: Suite, compliance: ConsoleUser
    ) -> None:
        (released,) = read_log(running_suite, recipient="skatteverket")
        entry = released["entry"]
        page = compliance.get(f"/logg/{released['index']}")
        assert page.status_code == 200
        for fact in (
            entry["decision_id"],
            "Skatteverket (202100-5448)",
            ", ".join(entry["legal_basis"]),
            ", ".join(entry["data_categories"]),
            "SKV-131-2026",
            entry["catalogue_version"],
            "<dt>Bedömare</dt><dd>Anna Andersson</dd>",
            "<dt>Godkännare</dt><dd>Bertil Berg</dd>",
        ):
            assert fact in page.text
        assert 'data-verification="pending"' in page.text
        assert f'data-log-key="{pinned_key(running_suite)}"' in page.text
        assert '<script src="/static/verify.js" defer></script>' in page.text
        assert "<script>" not in page.text

    def test_an_unknown_entry_is_not_found(self, compliance: ConsoleUser) -> None:
        assert compliance.get("/logg/999999").status_code == 404

    def test_the_script_is_served(self, compliance: ConsoleUser) -> None:
        script = compliance.get("/static/verify.js")
        assert script.status_code == 200
        assert "crypto.subtle.verify" in script.text


class TestProofs:
    def test_the_bundle_proves_the_entry_under_the_signed_checkpoint(
        self, running_suite: Suite, compliance: ConsoleUser, entries: dict[str, int]
    ) -> None:
        answer = compliance.get(f"/logg/{entries['older']}/bevis")
        assert answer.status_code == 200
        bundle = answer.json()
        assert set(bundle) == {
            "index",
            "leaf",
            "leaf_hash",
            "tree_size",
            "checkpoint",
            "inclusion",
        }
        leaf = base64.b64decode(bundle["leaf"])
        assert json.loads(leaf)["decision_id"] == "console-test-older"
        leaf_hash = hashlib.sha256(b"\x00" + leaf).digest()
        assert base64.b64encode(leaf_hash).decode() == bundle["leaf_hash"]
        verifier = parse_verifier_key(pinned_key(running_suite))
        checkpoint = open_signed_checkpoint(bundle["checkpoint"], verifier)
        assert checkpoint.tree_size == bundle["tree_size"] > entries["older"]
        proof = [base64.b64decode(h) for h in bundle["inclusion"]]
        assert proof
        assert verify_inclusion(
            leaf_hash,
            entries["older"],
            checkpoint.tree_size,
            proof,
            checkpoint.root_hash,
        )

    def test_the_consistency_proof_links_an_older_tree_to_the_newer(
        self, running_suite: Suite, compliance: ConsoleUser, entries: dict[str, int]
    ) -> None:
        items = read_log(running_suite)
        hashes = [base64.b64decode(item["leaf_hash"]) for item in items]
        first, second = 2, len(hashes)
        answer = compliance.get("/logg/konsistens", first=first, second=second)
        assert answer.status_code == 200
        body = answer.json()
        assert (body["first"], body["second"]) == (first, second)
        proof = [base64.b64decode(h) for h in body["consistency"]]
        assert verify_consistency(
            first,
            second,
            root_from_leaf_hashes(hashes[:first]),
            root_from_leaf_hashes(hashes),
            proof,
        )

    def test_a_reversed_consistency_question_is_a_problem(
        self, compliance: ConsoleUser
    ) -> None:
        answer = compliance.get("/logg/konsistens", first=3, second=2)
        assert answer.status_code == 422
        assert answer.headers["content-type"] == "application/problem+json"
        assert answer.json() == {
            "type": "about:blank",
            "title": "Felaktig fråga",
            "status": 422,
            "detail": "first får inte vara större än second.",
        }

    def test_without_a_session_the_proof_is_a_401_problem(
        self, running_suite: Suite
    ) -> None:
        stranger = ConsoleUser(
            running_suite, httpx.Client(base_url=running_suite.url("console"))
        )
        answer = stranger.get("/logg/0/bevis")
        assert answer.status_code == 401
        assert answer.headers["content-type"] == "application/problem+json"
        assert answer.json()["title"] == "Inte inloggad"

    def test_an_unknown_entry_is_a_404_problem(self, compliance: ConsoleUser) -> None:
        answer = compliance.get("/logg/999999/bevis")
        assert answer.status_code == 404
        assert answer.headers["content-type"] == "application/problem+json"
        assert answer.json()["status"] == 404
