"""Group commit: concurrent appends of one process share a transaction and a checkpoint."""

import asyncio
import base64
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import Engine, func, select, text
from sqlmodel import Session, col
from structlog.testing import capture_logs

from samverkan_audit_log.checkpoints.models import CheckpointRecord
from samverkan_audit_log.checkpoints.signed_note import (
    open_signed_checkpoint,
    parse_verifier_key,
)
from samverkan_audit_log.checkpoints.signer import LogSigner
from samverkan_audit_log.entries.append import AppendOutcome, AppendQueue
from samverkan_audit_log.entries.models import EntryRecord
from samverkan_audit_log.entries.pg_append import PgAppendStore
from samverkan_audit_log.entries.schemas import Entry
from samverkan_audit_log.merkle import MerkleAccumulator, verify_inclusion
from samverkan_audit_log.proofs.service import prove_inclusion
from samverkan_audit_log.tree.repository import TreeRepository
from samverkan_shared.db import make_engine
from samverkan_shared.problems import Conflict


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


class _Gate:
    """A clock that holds the first batch until every other request has queued."""

    def __init__(self, queue_length: Callable[[], int], expected: int) -> None:
        self._queue_length = queue_length
        self._expected = expected
        self._first = True
        self.entered = threading.Event()  # the first leader has taken its batch

    def __call__(self) -> datetime:
        if self._first:
            self._first = False
            self.entered.set()
            deadline = datetime.now(UTC).timestamp() + 10
            while self._queue_length() < self._expected:
                assert datetime.now(UTC).timestamp() < deadline, "requests never queued"
                threading.Event().wait(0.01)
        return datetime.now(UTC)


class _GatedQueue(AppendQueue):
    """A queue whose first leader waits until ``waiting`` more requests queued."""

    def __init__(self, engine: Engine, signer: LogSigner, waiting: int) -> None:
        self.gate = _Gate(lambda: self.waiting, waiting)
        super().__init__(engine, signer, clock=self.gate)


def _first_batch_taken(queue: _GatedQueue) -> bool:
    return queue.gate.entered.wait(10)


def _concurrently(
    queue: _GatedQueue, entries: list[Entry]
) -> list[AppendOutcome | BaseException]:
    """The first entry leads alone; the others queue behind it and form one batch."""
    results: list[AppendOutcome | BaseException] = []

    def append(entry: Entry) -> AppendOutcome | BaseException:
        try:
            return queue.append(entry)
        except Exception as error:
            return error

    with ThreadPoolExecutor(len(entries)) as pool:
        first = pool.submit(append, entries[0])
        assert _first_batch_taken(queue)
        rest = [pool.submit(append, entry) for entry in entries[1:]]
        results = [first.result(), *(future.result() for future in rest)]
    return results


def _entry(
    make_entry: Callable[..., dict[str, Any]], number: Any, **changes: Any
) -> Entry:
    return Entry.model_validate(make_entry(number, **changes))


def _checkpoints(engine: Engine) -> int:
    with Session(engine) as session:
        return int(
            session.execute(
                select(func.count()).select_from(CheckpointRecord)
            ).scalar_one()
        )


def test_a_batch_shares_one_transaction_and_one_checkpoint(
    engine, signer, make_entry
) -> None:
    queue = _GatedQueue(engine, signer, waiting=11)
    outcomes = _concurrently(queue, [_entry(make_entry, n) for n in range(12)])

    receipts = [
        outcome.receipt for outcome in outcomes if isinstance(outcome, AppendOutcome)
    ]
    assert len(receipts) == 12
    assert sorted(r.index for r in receipts) == list(range(12))
    assert receipts[0].tree_size == 1  # the leader's own batch of one
    batch = receipts[1:]
    assert {r.tree_size for r in batch} == {12}
    assert len({r.checkpoint for r in batch}) == 1
    assert _checkpoints(engine) == 2  # one per batch, not one per entry

    key = parse_verifier_key(signer.verifier_key)
    with Session(engine) as session:
        for receipt in receipts:
            checkpoint = open_signed_checkpoint(receipt.checkpoint, key)
            assert checkpoint.tree_size == receipt.tree_size
            proof = prove_inclusion(session, receipt.index, receipt.tree_size)
            assert verify_inclusion(
                base64.b64decode(receipt.leaf_hash),
                receipt.index,
                receipt.tree_size,
                [base64.b64decode(h) for h in proof.hashes],
                checkpoint.root_hash,
            )


def test_a_retry_gets_the_receipt_of_its_batch(engine, signer, make_entry) -> None:
    queue = _GatedQueue(engine, signer, waiting=3)
    outcomes = _concurrently(queue, [_entry(make_entry, n) for n in range(4)])
    original = outcomes[2]
    assert isinstance(original, AppendOutcome)

    again = AppendQueue(engine, signer).append(_entry(make_entry, 2))
    assert again == AppendOutcome(original.receipt, replayed=True)
    assert again.receipt.tree_size == 4


def test_the_same_decision_twice_in_one_batch(engine, signer, make_entry) -> None:
    queue = _GatedQueue(engine, signer, waiting=4)
    entries = [
        _entry(make_entry, 0),
        _entry(make_entry, 1),
        _entry(make_entry, 1),  # an identical retry racing the first request
        _entry(make_entry, 1, actor="someone else"),  # the same decision, changed
        _entry(make_entry, 2),
    ]
    _, one, retry, changed, two = _concurrently(queue, entries)

    assert isinstance(one, AppendOutcome)
    assert isinstance(two, AppendOutcome)
    assert isinstance(retry, AppendOutcome)
    assert (one.replayed, retry.replayed) == (False, True)
    assert retry.receipt == one.receipt
    assert isinstance(changed, Conflict)
    assert f"(index {one.receipt.index})" in str(changed.detail)
    assert sorted([one.receipt.index, two.receipt.index]) == [1, 2]
    with Session(engine) as session:
        assert TreeRepository(session).tree_size() == 3


def test_a_failed_batch_fails_every_request_and_acknowledges_none(
    engine, signer, make_entry
) -> None:
    outage = threading.Event()

    class Broken(LogSigner):
        def sign(self, tree_size: int, root_hash: bytes) -> str:
            if tree_size > 1 and not outage.is_set():
                outage.set()  # this batch fails, later ones are signed
                raise RuntimeError("the signing key is unavailable")
            return super().sign(tree_size, root_hash)

    broken = Broken(signer.origin, signer.private_key)
    queue = _GatedQueue(engine, broken, waiting=5)
    first, *batch = _concurrently(queue, [_entry(make_entry, n) for n in range(6)])

    assert isinstance(first, AppendOutcome)
    assert all(isinstance(result, RuntimeError) for result in batch), batch
    with Session(engine) as session:
        assert TreeRepository(session).tree_size() == 1
    # The failure released the leadership: the next append is served.
    assert queue.append(_entry(make_entry, 9)).receipt.index == 1


def _root_from_leaves(engine: Engine) -> tuple[int, bytes]:
    with Session(engine) as session:
        hashes = session.execute(
            select(col(EntryRecord.leaf_hash)).order_by(col(EntryRecord.entry_index))
        ).scalars()
        accumulator = MerkleAccumulator()
        accumulator.extend(bytes(h) for h in hashes)
    return accumulator.tree_size, accumulator.root()


def test_the_remembered_right_edge_is_not_used_after_another_process_appended(
    engine, signer, make_entry
) -> None:
    # Two queues on one database stand for two processes: each remembers the right
    # edge its last commit left, which must not outlive an append by the other.
    first, second = AppendQueue(engine, signer), AppendQueue(engine, signer)
    try:
        receipts = [
            queue.append(_entry(make_entry, number)).receipt
            for number, queue in enumerate([first, first, second, first, second, first])
        ]
    finally:
        first.close()
        second.close()

    size, root = _root_from_leaves(engine)
    assert [r.index for r in receipts] == list(range(6))
    last = open_signed_checkpoint(
        receipts[-1].checkpoint, parse_verifier_key(signer.verifier_key)
    )
    assert (last.tree_size, last.root_hash) == (size, root)
    with Session(engine) as session:
        for receipt in receipts:
            proof = prove_inclusion(session, receipt.index, size)
            assert verify_inclusion(
                base64.b64decode(receipt.leaf_hash),
                receipt.index,
                size,
                [base64.b64decode(h) for h in proof.hashes],
                root,
            )


def test_append_async_waits_without_a_thread_and_close_drains(
    engine, signer, make_entry
) -> None:
    queue = AppendQueue(engine, signer)

    async def twenty() -> list[AppendOutcome]:
        return await asyncio.gather(
            *(queue.append_async(_entry(make_entry, n)) for n in range(20))
        )

    outcomes = asyncio.run(twenty())
    assert sorted(outcome.receipt.index for outcome in outcomes) == list(range(20))
    # Far fewer checkpoints than entries: the writer batched what queued meanwhile.
    assert _checkpoints(engine) < 20

    pending = queue.submit(_entry(make_entry, 20))
    queue.close()  # returns only once the queued entry is committed
    assert pending.done()
    assert pending.result().receipt.index == 20
    assert queue.append(_entry(make_entry, 21)).receipt.index == 21  # starts anew
    queue.close()


class TestPredictedAppendsOnPostgreSQL:
    """After its own commit, a process writes its next batch at the size it left,
    in one round trip; the database refuses a wrong prediction, the locked path
    takes over, and nothing of the refused attempt remains."""

    @pytest.fixture
    def backend(self) -> str:
        return "postgresql"

    @pytest.fixture
    def locked_batches(self, monkeypatch: pytest.MonkeyPatch) -> list[int]:
        calls: list[int] = []
        original = PgAppendStore.lock_and_find

        def counted(store: PgAppendStore, keys: Any) -> Any:
            calls.append(1)
            return original(store, keys)

        monkeypatch.setattr(PgAppendStore, "lock_and_find", counted)
        return calls

    def test_only_the_first_batch_takes_the_lock_round_trip(
        self, engine, signer, make_entry, locked_batches
    ) -> None:
        queue = AppendQueue(engine, signer)
        try:
            indexes = [
                queue.append(_entry(make_entry, n)).receipt.index for n in range(5)
            ]
        finally:
            queue.close()
        assert indexes == list(range(5))
        assert len(locked_batches) == 1
        assert _root_from_leaves(engine)[0] == 5

    def test_a_logged_decision_is_refused_and_replayed_by_the_locked_path(
        self, engine, signer, make_entry, locked_batches
    ) -> None:
        queue = AppendQueue(engine, signer)
        try:
            first = queue.append(_entry(make_entry, 1))
            queue.append(_entry(make_entry, 2))
            with capture_logs() as logs:
                again = queue.append(_entry(make_entry, 1))
            after = queue.append(_entry(make_entry, 3))
        finally:
            queue.close()
        # The refused attempt is not logged as an append; the replay is.
        assert [line["event"] for line in logs] == ["audit_entry_replayed"]
        assert again.replayed
        assert again.receipt == first.receipt
        assert after.receipt.index == 2  # no index was spent on the refused attempt
        assert len(locked_batches) == 2  # the first batch and the refused retry
        assert _checkpoints(engine) == 3  # the refused prediction stored none

    def test_a_prediction_after_another_process_appended_is_refused(
        self, engine, signer, make_entry, locked_batches
    ) -> None:
        first, second = AppendQueue(engine, signer), AppendQueue(engine, signer)
        try:
            first.append(_entry(make_entry, 0))
            second.append(_entry(make_entry, 1))
            # first still predicts size 1; the database has 2 entries.
            late = first.append(_entry(make_entry, 2))
        finally:
            first.close()
            second.close()
        assert late.receipt.index == 2
        assert len(locked_batches) == 3
        size, root = _root_from_leaves(engine)
        note = open_signed_checkpoint(
            late.receipt.checkpoint, parse_verifier_key(signer.verifier_key)
        )
        assert size == 3
        assert (note.tree_size, note.root_hash) == (size, root)

    @pytest.mark.parametrize("appended_before", [0, 1])
    def test_a_kept_connection_killed_by_the_server_is_replaced(
        self, engine, signer, make_entry, appended_before
    ) -> None:
        # appended_before=1: the next batch is a prediction (one round trip);
        # 0: it takes the locked path. Either way the writer's kept connection is
        # dead (the database restarted) and the append must still succeed.
        queue = AppendQueue(engine, signer)
        try:
            queue.append(_entry(make_entry, 0))
            if not appended_before:
                queue._edge.tree_size = -1  # forget the tree: no prediction
            with engine.connect() as admin:
                killed = admin.execute(
                    text(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                    )
                ).all()
            assert killed
            outcome = queue.append(_entry(make_entry, 1))
        finally:
            queue.close()
        assert outcome.receipt.index == 1
        assert _root_from_leaves(engine)[0] == 2
