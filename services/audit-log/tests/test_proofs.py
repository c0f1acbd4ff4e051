"""Proof endpoints against the RFC 9162 verifiers, and their precise refusals."""

import base64
from typing import Any

import pytest
from fastapi.testclient import TestClient
from psycopg.pq import TransactionStatus
from sqlalchemy import create_engine

from samverkan_audit_log.checkpoints.signed_note import (
    open_signed_checkpoint,
    parse_verifier_key,
)
from samverkan_audit_log.merkle import (
    root_from_leaf_hashes,
    verify_consistency,
    verify_inclusion,
)
from samverkan_audit_log.tree.repository import TreeRepository, _nodes_query
from samverkan_shared.sessions import reading_session

SIZE = 13  # not a power of two: proofs cross the ragged right edge


@pytest.fixture
def receipts(client, appender, make_entry) -> list[dict[str, Any]]:
    return [
        client.post("/v1/entries", json=make_entry(n), headers=appender).json()
        for n in range(SIZE)
    ]


def _hashes(
    client: TestClient,
    path: str,
    params: dict[str, Any],
    headers: dict[str, str],
) -> list[bytes]:
    response = client.get(path, params=params, headers=headers)
    assert response.status_code == 200, response.text
    return [base64.b64decode(item) for item in response.json()["hashes"]]


def _leaf_hashes(receipts: list[dict[str, Any]]) -> list[bytes]:
    return [base64.b64decode(receipt["leaf_hash"]) for receipt in receipts]


def test_every_inclusion_proof_verifies_for_every_tree_size(
    client, reader, receipts
) -> None:
    leaves = _leaf_hashes(receipts)
    for size in range(1, SIZE + 1):
        root = root_from_leaf_hashes(leaves[:size])
        for index in range(size):
            proof = _hashes(
                client,
                "/v1/proofs/inclusion",
                {"index": index, "tree_size": size},
                reader,
            )
            assert verify_inclusion(leaves[index], index, size, proof, root)


def test_every_consistency_proof_verifies_between_stored_checkpoints(
    client, reader, receipts, signer
) -> None:
    key = parse_verifier_key(signer.verifier_key)
    roots = {0: root_from_leaf_hashes([])}
    for receipt in receipts:
        checkpoint = open_signed_checkpoint(receipt["checkpoint"], key)
        roots[checkpoint.tree_size] = checkpoint.root_hash
    for first in range(SIZE + 1):
        for second in range(first, SIZE + 1):
            proof = _hashes(
                client,
                "/v1/proofs/consistency",
                {"first": first, "second": second},
                reader,
            )
            assert verify_consistency(first, second, roots[first], roots[second], proof)


def test_the_checkpoint_is_the_newest_receipts(client, reader, receipts) -> None:
    assert (
        client.get("/v1/checkpoint", headers=reader).text == receipts[-1]["checkpoint"]
    )


@pytest.mark.parametrize(
    ("path", "params", "detail"),
    [
        (
            "/v1/proofs/inclusion",
            {"index": 13, "tree_size": 13},
            "leaf index 13 is not in a tree of size 13.",
        ),
        (
            "/v1/proofs/inclusion",
            {"index": 0, "tree_size": 14},
            "tree_size=14 is larger than the log, which has 13 entries.",
        ),
        (
            "/v1/proofs/consistency",
            {"first": 5, "second": 4},
            "no consistency proof from tree size 5 to 4: need 0 <= first <= second.",
        ),
        (
            "/v1/proofs/consistency",
            {"first": 1, "second": 20},
            "second=20 is larger than the log, which has 13 entries.",
        ),
    ],
    ids=["index beyond size", "size beyond log", "first after second", "beyond log"],
)
def test_impossible_proofs_are_422_with_a_precise_detail(
    client, reader, receipts, path, params, detail
) -> None:
    response = client.get(path, params=params, headers=reader)
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["detail"] == detail


@pytest.mark.parametrize(
    "params", [{"index": -1, "tree_size": 1}, {"index": 0, "tree_size": 2**64}]
)
def test_out_of_range_numbers_are_422(client, reader, params) -> None:
    response = client.get("/v1/proofs/inclusion", params=params, headers=reader)
    assert response.status_code == 422


@pytest.mark.parametrize("count", [1, 20, 40])
def test_sqlite_reads_proof_nodes_by_the_primary_key(count: int) -> None:
    # A row-value IN was planned as a full scan of the node table (proofs grew
    # linearly with the log); the OR of pairs must stay index look-ups.
    engine = create_engine("sqlite://")
    sql = str(_nodes_query(count).compile(dialect=engine.dialect))
    with engine.connect() as connection:
        raw = connection.connection.driver_connection
        assert raw is not None
        raw.execute(
            "CREATE TABLE audit_tree_nodes (level SMALLINT, node_index BIGINT, "
            "hash BLOB, PRIMARY KEY (level, node_index))"
        )
        plan = raw.execute("EXPLAIN QUERY PLAN " + sql, [0] * 2 * count).fetchall()
    details = [row[3] for row in plan]
    assert not [detail for detail in details if detail.startswith("SCAN")]
    assert sum("SEARCH audit_tree_nodes USING INDEX" in d for d in details) == count


def test_a_proof_reads_outside_a_transaction_and_leaves_the_pool_as_it_was(
    app, receipts, backend
) -> None:
    with reading_session(app.platform.engine) as session:
        assert TreeRepository(session).tree_size() == SIZE
        driver = session.connection().connection.driver_connection
        assert driver is not None
        if backend == "postgresql":
            # No BEGIN was sent: the connection is idle, not in a transaction.
            assert driver.autocommit
            assert driver.info.transaction_status == TransactionStatus.IDLE
    if backend == "postgresql":
        # Back in the pool in its usual mode: appends on it still get transactions.
        assert not driver.autocommit
