"""The three services in one process: a tip filed, disclosed, logged and verifiable."""

import base64
import hashlib
from typing import Any

from samverkan_audit_log.checkpoints.signed_note import (
    open_signed_checkpoint,
    parse_verifier_key,
)
from samverkan_audit_log.merkle import verify_inclusion
from samverkan_shared.canonical_json import canonicalize
from tests.support.filing import file_tip
from tests.support.payloads import CHILD, GROVT_BEDRAGERI
from tests.support.suite import InProcessSuite


def _ask(suite: InProcessSuite, tip_id: str, key: str) -> Any:
    return suite.sharing.post(
        "/v1/disclosure-requests",
        json={
            "tip_id": tip_id,
            "purpose": GROVT_BEDRAGERI,
            "partner_reference": "5000-K1",
            # Not the reporter: who reported is never released without a person.
            "fields": ["supplier.org_number", "description", "persons"],
        },
        headers=suite.headers("police", **{"Idempotency-Key": key}),
    )


def test_a_released_disclosure_is_provably_in_the_log(
    in_process_suite: InProcessSuite,
) -> None:
    suite = in_process_suite
    tip_id = file_tip(suite)
    answer = _ask(suite, tip_id, "k1")
    assert answer.status_code == 201, answer.text
    body = answer.json()
    assert body["outcome"] == "release"
    assert body["released"]["persons"][0]["personal_number"] == CHILD
    receipt = body["audit"]

    compliance = suite.headers("compliance")
    item = suite.audit.get(f"/v1/entries/{receipt['index']}", headers=compliance).json()
    entry = item["entry"]
    assert entry["decision_id"] == body["id"]
    assert entry["recipient"]["code"] == "polismyndigheten"
    assert (
        entry["payload_sha256"]
        == hashlib.sha256(canonicalize(body["released"])).hexdigest()
    )
    assert CHILD not in str(item)

    verifier = parse_verifier_key(suite.audit.get("/v1/log-key").text)
    checkpoint = open_signed_checkpoint(receipt["checkpoint"], verifier)
    proof = suite.audit.get(
        "/v1/proofs/inclusion",
        params={"index": receipt["index"], "tree_size": checkpoint.tree_size},
        headers=compliance,
    ).json()["hashes"]
    assert verify_inclusion(
        base64.b64decode(receipt["leaf_hash"]),
        receipt["index"],
        checkpoint.tree_size,
        [base64.b64decode(h) for h in proof],
        checkpoint.root_hash,
    )

    found = suite.audit.post(
        "/v1/subjects/lookup", json={"identifier": "201212121212"}, headers=compliance
    ).json()
    assert [i["entry"]["decision_id"] for i in found["items"]] == [body["id"]]


def test_unreachable_audit_log_releases_nothing_and_the_retry_logs_once(
    in_process_suite: InProcessSuite,
) -> None:
    suite = in_process_suite
    tip_id = file_tip(suite)
    suite.audit_switch.down = True
    refused = _ask(suite, tip_id, "k2")
    assert refused.status_code == 503
    assert refused.headers["retry-after"] == "5"
    assert CHILD not in refused.text
    compliance = suite.headers("compliance")
    assert suite.audit.get("/v1/entries", headers=compliance).json()["items"] == []

    suite.audit_switch.down = False
    retried = _ask(suite, tip_id, "k2")
    assert retried.status_code == 201
    again = _ask(suite, tip_id, "k2")
    assert again.json()["audit"] == retried.json()["audit"]
    entries = suite.audit.get("/v1/entries", headers=compliance).json()["items"]
    assert [e["entry"]["decision_id"] for e in entries] == [retried.json()["id"]]


def test_the_whole_tip_waits_for_a_person_because_of_the_reporter(
    in_process_suite: InProcessSuite,
) -> None:
    """Issue #15: a reporter's identity is never released by a rule alone, even where
    OSL 10:23 releases the child's data for a grovt bedrägeri."""
    suite = in_process_suite
    tip_id = file_tip(suite)
    answer = suite.sharing.post(
        "/v1/disclosure-requests",
        json={
            "tip_id": tip_id,
            "purpose": GROVT_BEDRAGERI,
            "partner_reference": "5000-K2",
        },
        headers=suite.headers("police", **{"Idempotency-Key": "whole-tip"}),
    )
    assert answer.status_code == 201, answer.text
    body = answer.json()
    assert body["outcome"] == "needs_assessment"
    assert body["released"] == {}
    fields = {field["name"]: field for field in body["decision"]["fields"]}
    assert fields["reporter"]["outcome"] == "needs_assessment"
    assert fields["reporter"]["assessment"] == "reporter_protection"
    assert "reporter_identity" in fields["reporter"]["flags"]
    assert fields["persons"]["outcome"] == "release"
