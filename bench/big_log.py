"""The big log of bench/audit_log.py, written straight into a database migrated by the
audit-log's own migrations, as appends leave it: leaves in index order (one template,
``Leaves``), leaf hashes and every subtree ``MerkleAccumulator.append`` completes, the
sequencer at the log's size, and a checkpoint signed with the service's key.
"""

import hashlib
import sqlite3
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url

from samverkan_audit_log.checkpoints.signer import load_signer
from samverkan_audit_log.merkle import MerkleAccumulator, leaf_hash
from samverkan_audit_log.settings import AuditLogSettings
from samverkan_shared.canonical_json import canonicalize
from samverkan_shared.db import make_engine, migrate
from samverkan_shared.pseudonyms import PSEUDONYM_PREFIX

_ID_WIDTH = 12


def entry_document(decision_id: str) -> dict[str, Any]:
    """A realistic entry, shaped like the sharing service's (audit_entry.py)."""
    return {
        "event": "disclosure.released",
        "decision_id": decision_id,
        "occurred_at": "2026-11-23T12:00:00Z",
        "actor": "demo-polisen",
        "recipient": {
            "code": "polismyndigheten",
            "org_number": "202100-0076",
            "name": "Polismyndigheten",
        },
        "legal_basis": ["OSL 10:23", "OSL 6:5"],
        "data_categories": ["child_social", "supplier_business", "supplier_company"],
        "subjects": [
            PSEUDONYM_PREFIX + hashlib.sha256(decision_id.encode()).hexdigest()
        ],
        "payload_sha256": hashlib.sha256(b"payload" + decision_id.encode()).hexdigest(),
        "partner_reference": "5000-K4711-26",
        "catalogue_version": "2026-01-01.1",
        "details": {
            "purpose": "investigate_crime",
            "fields": ["supplier.name", "supplier.org_number", "description"],
        },
    }


class Leaves:
    """Canonical leaves of the filled log, cut from one template (same bytes as
    canonicalize() would give: only a fixed-width decision id differs)."""

    def __init__(self) -> None:
        marker = "bench-" + "0" * _ID_WIDTH
        leaf = canonicalize(entry_document(marker))
        before, after = leaf.split(marker.encode())
        self.prefix, self.suffix = before, after

    def __call__(self, index: int) -> bytes:
        return self.prefix + f"bench-{index:0{_ID_WIDTH}d}".encode() + self.suffix


@dataclass(frozen=True)
class Filled:
    url: str
    size: int
    seconds: float


def fill(url: str, size: int, data_dir: Path) -> Filled:
    """A migrated audit-log database holding ``size`` entries, as appends leave it."""
    began = time.perf_counter()
    migrate(url, "samverkan_audit_log")
    signer = load_signer(AuditLogSettings(data_dir=data_dir, demo=True))
    leaves = Leaves()
    accumulator = MerkleAccumulator()
    if make_url(url).get_backend_name() == "sqlite":
        _fill_sqlite(make_url(url).database or "", size, leaves, accumulator)
    else:
        _fill_postgres(url, size, leaves, accumulator)
    note = signer.sign(size, accumulator.root())
    _add_checkpoint(url, size, accumulator.root(), note)
    return Filled(url, size, time.perf_counter() - began)


_NOW = "2026-11-23 12:00:00.000000"
_ENTRY_COLUMNS = (
    "entry_index, leaf, leaf_hash, event, decision_id, occurred_at, recipient_code, "
    "legal_basis, partner_reference, appended_at"
)


def _rows(
    size: int, leaves: Leaves, accumulator: MerkleAccumulator, chunk: int = 50_000
) -> Iterator[tuple[list[tuple[Any, ...]], list[tuple[int, int, bytes]]]]:
    entries: list[tuple[Any, ...]] = []
    nodes: list[tuple[int, int, bytes]] = []
    for index in range(size):
        leaf = leaves(index)
        hashed = leaf_hash(leaf)
        nodes.extend((n.level, n.index, n.hash) for n in accumulator.append(hashed))
        entries.append(
            (index, leaf, hashed, "disclosure.released", f"bench-{index:0{_ID_WIDTH}d}",
             _NOW, "polismyndigheten", '["OSL 10:23", "OSL 6:5"]', "5000-K4711-26", _NOW)
        )  # fmt: skip
        if len(entries) >= chunk:
            yield entries, nodes
            entries, nodes = [], []
    if entries:
        yield entries, nodes


def _fill_sqlite(
    path: str, size: int, leaves: Leaves, accumulator: MerkleAccumulator
) -> None:
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA synchronous=OFF")
        # The guards stay on: each entry must land at the sequencer's size, and the
        # sequencer may only grow by one onto an existing entry; this temporary
        # trigger (this connection only) advances it after each insert.
        connection.execute(
            "CREATE TEMP TRIGGER bench_advance AFTER INSERT ON main.audit_entries "
            "BEGIN UPDATE audit_tree_state SET tree_size = NEW.entry_index + 1 "
            "WHERE id = 1; END"
        )
        placeholders = ", ".join("?" * 10)
        for entries, nodes in _rows(size, leaves, accumulator):
            connection.execute("BEGIN")
            connection.executemany(
                f"INSERT INTO audit_entries ({_ENTRY_COLUMNS}) VALUES ({placeholders})",  # noqa: S608
                entries,
            )
            connection.executemany(
                "INSERT INTO audit_tree_nodes (level, node_index, hash) VALUES (?, ?, ?)",
                nodes,
            )
            connection.execute("COMMIT")
    finally:
        connection.close()


def _fill_postgres(
    url: str, size: int, leaves: Leaves, accumulator: MerkleAccumulator
) -> None:
    import psycopg

    plain = make_url(url).set(drivername="postgresql").render_as_string(False)
    with psycopg.connect(plain) as connection:
        connection.execute("SET session_replication_role = replica")
        with connection.cursor() as cursor:
            for entries, nodes in _rows(size, leaves, accumulator):
                copy_entries = f"COPY audit_entries ({_ENTRY_COLUMNS}) FROM STDIN"
                with cursor.copy(copy_entries.encode()) as copy:
                    for row in entries:
                        copy.write_row(
                            (
                                *row[:5],
                                "2026-11-23 12:00:00+00",
                                *row[6:9],
                                _NOW + "+00",
                            )
                        )
                copy_nodes = (
                    "COPY audit_tree_nodes (level, node_index, hash) FROM STDIN"
                )
                with cursor.copy(copy_nodes.encode()) as copy:
                    for node in nodes:
                        copy.write_row(node)
            cursor.execute(
                "UPDATE audit_tree_state SET tree_size = %s WHERE id = 1", (size,)
            )
            # Statistics, as autovacuum keeps them for a log grown by appends: without
            # them the planner reads a page of entries by a sequential scan and an
            # on-disk sort (130 ms instead of 9 ms for 10,000 entries of 100,000).
            cursor.execute("ANALYZE audit_entries")
            cursor.execute("ANALYZE audit_tree_nodes")
        connection.execute("SET session_replication_role = DEFAULT")
        connection.commit()


def _add_checkpoint(url: str, size: int, root: bytes, note: str) -> None:
    from sqlalchemy import insert

    from samverkan_audit_log.checkpoints.models import CheckpointRecord

    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(
            insert(CheckpointRecord).values(
                tree_size=size, root_hash=root, note=note, issued_at=datetime.now(UTC)
            )
        )
    engine.dispose()
