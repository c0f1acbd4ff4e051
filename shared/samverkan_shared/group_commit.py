"""Group commit: the writes of one process, gathered into few transactions.

Requests queue an item and wait on its future; one writer thread per queue takes up
to ``max_batch`` queued items at a time and hands them to ``write_batch``, which
writes them in one transaction and settles every future. Items that arrive
meanwhile form the next batch.

Why: a serialised write (SQLite's one write lock, a PostgreSQL advisory lock) held
by one request thread at a time is held for as long as that thread waits for the
GIL behind every other request thread, so under load the lock is mostly held by a
thread that is not running. One writer thread holds it only while it writes, pays
for BEGIN, the lock and the commit once per batch, and a waiting request holds no
thread at all (``run_async``).
"""

import asyncio
import threading
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Generic, TypeVar

__all__ = ["GroupCommit", "Pending"]

Item = TypeVar("Item")
Result = TypeVar("Result")


@dataclass
class Pending(Generic[Item, Result]):
    """One queued item and where its outcome goes."""

    item: Item
    future: "Future[Result]" = field(default_factory=Future)

    def settle(self, outcome: "Result | BaseException") -> None:
        if self.future.done():
            return
        if isinstance(outcome, BaseException):
            self.future.set_exception(outcome)
        else:
            self.future.set_result(outcome)


class GroupCommit(Generic[Item, Result]):
    """A queue whose items one writer thread writes in batches.

    ``write_batch`` must settle every ``Pending`` it is given; should it raise, the
    error settles whatever it left unsettled, so no request waits forever.
    """

    def __init__(
        self,
        write_batch: Callable[[list[Pending[Item, Result]]], None],
        *,
        max_batch: int,
        name: str,
    ) -> None:
        if max_batch < 1:
            raise ValueError("max_batch must be at least 1")
        self._write_batch = write_batch
        self._max_batch = max_batch
        self._name = name
        self._condition = threading.Condition()
        self._queue: list[Pending[Item, Result]] = []
        self._writer: threading.Thread | None = None
        self._closing = False

    def submit(self, item: Item) -> "Future[Result]":
        """Queue ``item``; its future is settled once its batch is written (or failed)."""
        pending: Pending[Item, Result] = Pending(item)
        with self._condition:
            self._queue.append(pending)
            if self._writer is None:
                self._closing = False
                self._writer = threading.Thread(
                    target=self._write, name=self._name, daemon=True
                )
                self._writer.start()
            self._condition.notify_all()
        return pending.future

    @property
    def waiting(self) -> int:
        """Items queued and not yet taken by the writer."""
        with self._condition:
            return len(self._queue)

    def run(self, item: Item) -> Result:
        return self.submit(item).result()

    async def run_async(self, item: Item) -> Result:
        return await asyncio.wrap_future(self.submit(item))

    def close(self) -> None:
        """Let the writer finish what is queued and stop; a later submit starts anew."""
        with self._condition:
            writer, self._closing = self._writer, True
            self._condition.notify_all()
        if writer is not None:
            writer.join()

    def _write(self) -> None:
        try:
            while True:
                with self._condition:
                    while not self._queue and not self._closing:
                        self._condition.wait()
                    if not self._queue:
                        return
                    batch = self._queue[: self._max_batch]
                    del self._queue[: self._max_batch]
                self._settle(batch)
        finally:
            # Also after a BaseException: the next submit starts a new writer.
            with self._condition:
                if self._writer is threading.current_thread():
                    self._writer = None

    def _settle(self, batch: list[Pending[Item, Result]]) -> None:
        try:
            self._write_batch(batch)
        except BaseException as error:
            for pending in batch:
                pending.settle(error)
            if not isinstance(error, Exception):
                raise
        for pending in batch:
            # A bug in write_batch must not leave a request waiting forever.
            pending.settle(RuntimeError(f"{self._name}: the batch left this unsettled"))
