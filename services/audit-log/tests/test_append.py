"""Appending entries: receipts that verify, idempotent retries, validation."""

import base64
import json
from typing import Any

import pytest
from fastapi.testclient import TestClient

from samverkan_audit_log.checkpoints.signed_note import (
    open_signed_checkpoint,
    parse_verifier_key,
)
from samverkan_audit_log.checkpoints.signer import LogSigner
from samverkan_audit_log.entries.schemas import _printable
from samverkan_audit_log.merkle import leaf_hash, verify_inclusion
from samverkan_shared.canonical_json import canonicalize


def _append(client: TestClient, headers: dict[str, str], entry: dict[str, Any]) -> Any:
    response = client.post("/v1/entries", json=entry, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


class TestAppend:
    def test_the_receipt_proves_the_entry_is_in_the_signed_tree(
        self, client, appender, reader, make_entry
    ) -> None:
        for number in range(6):
            _append(client, appender, make_entry(number))
        receipt = _append(client, appender, make_entry(6))

        assert set(receipt) == {"index", "leaf_hash", "tree_size", "checkpoint"}
        assert (receipt["index"], receipt["tree_size"]) == (6, 7)
        key = parse_verifier_key(client.get("/v1/log-key").text)
        checkpoint = open_signed_checkpoint(receipt["checkpoint"], key)
        assert checkpoint.tree_size == 7
        expected_leaf = canonicalize(
            {**make_entry(6), "occurred_at": "2026-11-23T10:00:00Z"}
        )
        assert base64.b64decode(receipt["leaf_hash"]) == leaf_hash(expected_leaf)
        proof = client.get(
            "/v1/proofs/inclusion", params={"index": 6, "tree_size": 7}, headers=reader
        ).json()["hashes"]
        assert verify_inclusion(
            leaf_hash(expected_leaf),
            6,
            7,
            [base64.b64decode(h) for h in proof],
            checkpoint.root_hash,
        )

    def test_the_stored_leaf_is_the_canonical_json_of_the_entry(
        self, client, appender, reader, make_entry
    ) -> None:
        entry = make_entry(0, occurred_at="2026-11-23T12:00:00+02:00")
        entry["details"] = {"purpose": {"code": "investigate_crime"}, "å": [1, 2.5]}
        _append(client, appender, entry)

        item = client.get("/v1/entries/0", headers=reader).json()
        leaf = base64.b64decode(item["leaf"])
        assert leaf == canonicalize(item["entry"])
        assert item["entry"]["occurred_at"] == "2026-11-23T10:00:00Z"
        assert json.loads(leaf)["details"] == entry["details"]
        assert base64.b64decode(item["leaf_hash"]) == leaf_hash(leaf)

    def test_absent_optional_fields_are_left_out_of_the_leaf(
        self, client, appender, reader, make_entry
    ) -> None:
        entry = make_entry(0, recipient={"code": "private", "name": None})
        del entry["partner_reference"]
        _append(client, appender, entry)
        leaf = client.get("/v1/entries/0", headers=reader).json()["leaf"]
        document = json.loads(base64.b64decode(leaf))
        assert document["recipient"] == {"code": "private"}
        assert "partner_reference" not in document

    def test_an_empty_log_has_a_signed_size_zero_checkpoint(
        self, client, reader, signer: LogSigner
    ) -> None:
        note = client.get("/v1/checkpoint", headers=reader)
        assert note.headers["content-type"].startswith("text/plain")
        key = parse_verifier_key(signer.verifier_key)
        checkpoint = open_signed_checkpoint(note.text, key)
        assert checkpoint.tree_size == 0
        assert checkpoint.origin == signer.origin


class TestIdempotency:
    def test_the_same_entry_again_returns_the_original_receipt(
        self, client, appender, reader, make_entry
    ) -> None:
        first = _append(client, appender, make_entry(0))
        _append(client, appender, make_entry(1))
        response = client.post("/v1/entries", json=make_entry(0), headers=appender)

        assert response.status_code == 201
        assert response.headers["Idempotent-Replayed"] == "true"
        assert response.json() == first
        listing = client.get("/v1/entries", headers=reader).json()
        assert [item["index"] for item in listing["items"]] == [0, 1]

    def test_the_same_decision_and_event_with_other_content_is_a_conflict(
        self, client, appender, reader, make_entry
    ) -> None:
        _append(client, appender, make_entry(0))
        response = client.post(
            "/v1/entries", json=make_entry(0, actor="someone else"), headers=appender
        )

        assert response.status_code == 409
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json() == {
            "type": "about:blank",
            "title": "Conflict",
            "status": 409,
            "detail": "Decision decision-0 already has a 'disclosure.released' entry "
            "(index 0) with different content; an audit entry cannot be changed.",
        }

    def test_another_event_of_the_same_decision_is_a_new_entry(
        self, client, appender, make_entry
    ) -> None:
        _append(client, appender, make_entry(0))
        receipt = _append(client, appender, make_entry(0, event="disclosure.approved"))
        assert receipt["index"] == 1


@pytest.mark.parametrize(
    ("change", "pointer"),
    [
        ({"extra": 1}, "#/extra"),
        ({"payload_sha256": "ABC"}, "#/payload_sha256"),
        ({"actor": "a\x00b"}, "#/actor"),
        ({"subjects": ["20121212-1212"]}, "#/subjects/0"),
        ({"occurred_at": "2026-11-23T10:00:00"}, "#/occurred_at"),
        ({"occurred_at": 1764583200}, "#/occurred_at"),
        (
            {"recipient": {"code": "polis", "org_number": "1", "name": "x"}},
            "#/recipient/org_number",
        ),
        ({"details": {"n": 2**60}}, "#/details"),
        ({"details": {"k\x00": 1}}, "#/details"),
    ],
    ids=[
        "unknown field",
        "hash",
        "NUL",
        "clear identity number",
        "naive time",
        "seconds since the epoch",
        "org number",
        "big integer",
        "NUL key",
    ],
)
def test_invalid_entries_are_refused_naming_the_field(
    client, appender, make_entry, change, pointer
) -> None:
    response = client.post(
        "/v1/entries", json=make_entry(0, **change), headers=appender
    )
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert pointer in [error.get("pointer") for error in response.json()["errors"]]


@pytest.mark.parametrize("code", range(0x80), ids=lambda code: f"U+{code:04X}")
def test_text_fields_refuse_exactly_the_c0_controls_but_tab_lf_cr(code: int) -> None:
    text = f"a{chr(code)}b"
    refused = code < 0x20 and chr(code) not in "\t\n\r"
    if refused:
        with pytest.raises(ValueError, match="control characters"):
            _printable(text)
    else:
        assert _printable(text) == text


def test_an_appended_entry_is_read_at_its_location(
    client, appender, reader, make_entry
) -> None:
    _append(client, appender, make_entry(0))
    response = client.post("/v1/entries", json=make_entry(1), headers=appender)
    assert response.status_code == 201, response.text
    assert response.headers["Location"] == "/v1/entries/1"
    item = client.get(response.headers["Location"], headers=reader).json()
    assert item["index"] == 1
    assert item["entry"]["decision_id"] == make_entry(1)["decision_id"]
    replayed = client.post("/v1/entries", json=make_entry(1), headers=appender)
    assert replayed.headers["Location"] == "/v1/entries/1"
