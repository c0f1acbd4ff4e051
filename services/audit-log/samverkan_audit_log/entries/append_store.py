"""The append transaction behind ``AppendQueue``: which store, and the portable one.

PostgreSQL through psycopg gets its own lean path (``pg_append``); every other
backend appends through the ORM session and the feature repositories.
"""

from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from typing import Protocol, runtime_checkable

from sqlalchemy import Engine
from sqlmodel import Session

from samverkan_audit_log.checkpoints.repository import (
    CheckpointRepository,
    IssuedCheckpoint,
    NewCheckpoint,
)
from samverkan_audit_log.entries.pg_append import PgAppendStores
from samverkan_audit_log.entries.repository import (
    EntryRepository,
    LoggedEntry,
    NewEntry,
)
from samverkan_audit_log.merkle import StoredNode
from samverkan_audit_log.tree.repository import TreeRepository
from samverkan_shared.sessions import writing_session

__all__ = [
    "AppendStore",
    "AppendStores",
    "PredictingStore",
    "SessionAppendStore",
    "SessionAppendStores",
    "append_stores",
]


class AppendStore(Protocol):
    """One append transaction: the ORM session's (any backend) or PostgreSQL's own."""

    def lock_and_find(
        self, keys: Iterable[tuple[str, str]]
    ) -> tuple[int, dict[tuple[str, str], LoggedEntry]]: ...

    def node_hashes(
        self, keys: Iterable[tuple[int, int]]
    ) -> dict[tuple[int, int], bytes]: ...

    def checkpoint_covering(self, index: int) -> IssuedCheckpoint | None: ...

    def write(
        self,
        entries: Sequence[NewEntry],
        nodes: Sequence[StoredNode],
        checkpoint: NewCheckpoint,
    ) -> None: ...

    def commit(self) -> None: ...


@runtime_checkable
class PredictingStore(AppendStore, Protocol):
    """An append transaction whose ``write`` only buffers, so a batch can be tried
    at a predicted size and committed in one round trip (PostgreSQL's own)."""

    def commit_predicted(self) -> bool:
        """Write and commit the buffered batch; False, rolled back, if refused."""
        ...


class AppendStores(Protocol):
    def open(self) -> AbstractContextManager[AppendStore]: ...

    def release(self) -> None: ...


class SessionAppendStore:
    """One append transaction on an ORM session, through the three repositories."""

    def __init__(self, session: Session) -> None:
        self._session = session
        self._entries = EntryRepository(session)
        self._tree = TreeRepository(session)
        self._checkpoints = CheckpointRepository(session)

    def lock_and_find(
        self, keys: Iterable[tuple[str, str]]
    ) -> tuple[int, dict[tuple[str, str], LoggedEntry]]:
        """The locked tree size and the logged entries of these decisions."""
        return self._tree.lock_tree_size(), self._entries.find_decisions(keys)

    def node_hashes(
        self, keys: Iterable[tuple[int, int]]
    ) -> dict[tuple[int, int], bytes]:
        return self._tree.node_hashes(keys)

    def checkpoint_covering(self, index: int) -> IssuedCheckpoint | None:
        return self._checkpoints.covering(index)

    def write(
        self,
        entries: Sequence[NewEntry],
        nodes: Sequence[StoredNode],
        checkpoint: NewCheckpoint,
    ) -> None:
        """A batch's entries (before the sequencer), completed subtrees, checkpoint.

        One executemany for the entries and one UPDATE of the sequencer, which
        the database lets grow only onto entries that exist.
        """
        if entries:
            self._entries.add(entries)
            self._tree.advance(entries[-1].index + 1)
        self._tree.add_nodes(nodes)
        self._checkpoints.add(checkpoint)

    def commit(self) -> None:
        self._session.commit()


class SessionAppendStores:
    """Append transactions through the ORM session: SQLite, and any other backend."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    @contextmanager
    def open(self) -> Iterator[AppendStore]:
        with writing_session(self._engine) as session:
            yield SessionAppendStore(session)

    def release(self) -> None:
        """Nothing is kept between transactions."""


def append_stores(engine: Engine) -> AppendStores:
    """PostgreSQL through psycopg gets its own lean path (``pg_append``)."""
    if engine.dialect.name == "postgresql" and engine.dialect.driver == "psycopg":
        return PgAppendStores(engine)
    return SessionAppendStores(engine)
