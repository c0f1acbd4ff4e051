"""GroupCommit: one writer thread, batches of what queued meanwhile, every caller answered."""

import asyncio
import threading
from concurrent.futures import Future

import pytest

from samverkan_shared.group_commit import GroupCommit, Pending


class _Recorder:
    """A write_batch that doubles each item and records the batches it saw.

    The first batch waits until ``hold`` is set, so that what is submitted
    meanwhile queues up behind it.
    """

    def __init__(self) -> None:
        self.batches: list[list[int]] = []
        self.hold = threading.Event()
        self.started = threading.Event()

    def __call__(self, batch: list[Pending[int, int]]) -> None:
        if not self.batches:
            self.started.set()
            assert self.hold.wait(10)
        self.batches.append([pending.item for pending in batch])
        for pending in batch:
            pending.settle(pending.item * 2)


def _queue_behind_first(
    queue: GroupCommit[int, int], recorder: _Recorder, items: range
) -> list["Future[int]"]:
    first = queue.submit(-1)
    assert recorder.started.wait(10)
    futures = [first, *(queue.submit(item) for item in items)]
    recorder.hold.set()
    return futures


def test_what_queues_meanwhile_is_written_together_in_order() -> None:
    recorder = _Recorder()
    queue: GroupCommit[int, int] = GroupCommit(recorder, max_batch=100, name="t")
    futures = _queue_behind_first(queue, recorder, range(10))

    assert [future.result(10) for future in futures] == [-2, *range(0, 20, 2)]
    assert recorder.batches == [[-1], list(range(10))]
    queue.close()


def test_batches_are_at_most_max_batch() -> None:
    recorder = _Recorder()
    queue: GroupCommit[int, int] = GroupCommit(recorder, max_batch=4, name="t")
    futures = _queue_behind_first(queue, recorder, range(10))

    assert [future.result(10) for future in futures][1:] == list(range(0, 20, 2))
    assert recorder.batches[1:] == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]
    queue.close()


def test_a_failing_batch_fails_each_of_its_items_and_the_queue_goes_on() -> None:
    calls: list[list[str]] = []

    def write(batch: list[Pending[str, str]]) -> None:
        calls.append([pending.item for pending in batch])
        if batch[0].item == "boom":
            raise RuntimeError("the database went away")
        for pending in batch:
            pending.settle(pending.item.upper())

    queue: GroupCommit[str, str] = GroupCommit(write, max_batch=10, name="t")
    with pytest.raises(RuntimeError, match="went away"):
        queue.run("boom")
    assert queue.run("next") == "NEXT"
    queue.close()


def test_an_item_the_batch_forgot_gets_an_error_not_a_hang() -> None:
    class Forgetful(_Recorder):
        def __call__(self, batch: list[Pending[int, int]]) -> None:
            super().__call__(batch[:1])  # answers the first item, forgets the rest

    recorder = Forgetful()
    queue: GroupCommit[int, int] = GroupCommit(recorder, max_batch=10, name="fw")
    first, *batch = _queue_behind_first(queue, recorder, range(3))

    assert first.result(10) == -2
    assert batch[0].result(10) == 0
    for forgotten in batch[1:]:
        with pytest.raises(RuntimeError, match="fw: the batch left this unsettled"):
            forgotten.result(10)
    queue.close()


def test_a_problem_settles_as_the_items_exception() -> None:
    def write(batch: list[Pending[int, int]]) -> None:
        for pending in batch:
            if pending.item < 0:
                pending.settle(ValueError(f"{pending.item} is negative"))
            else:
                pending.settle(pending.item)

    queue: GroupCommit[int, int] = GroupCommit(write, max_batch=10, name="t")
    assert queue.run(3) == 3
    with pytest.raises(ValueError, match="-3 is negative"):
        queue.run(-3)
    queue.close()


def test_close_drains_the_queue_and_a_later_submit_starts_a_new_writer() -> None:
    recorder = _Recorder()
    queue: GroupCommit[int, int] = GroupCommit(recorder, max_batch=100, name="t")
    futures = _queue_behind_first(queue, recorder, range(3))
    queue.close()
    assert all(future.done() for future in futures)

    assert queue.run(21) == 42
    queue.close()


def test_run_async_waits_without_a_thread_of_its_own() -> None:
    recorder = _Recorder()
    recorder.hold.set()
    queue: GroupCommit[int, int] = GroupCommit(recorder, max_batch=100, name="t")

    async def many() -> list[int]:
        return list(await asyncio.gather(*(queue.run_async(n) for n in range(50))))

    assert asyncio.run(many()) == list(range(0, 100, 2))
    assert sorted(item for batch in recorder.batches for item in batch) == list(
        range(50)
    )
    queue.close()


def test_max_batch_must_be_positive() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        GroupCommit(lambda batch: None, max_batch=0, name="t")
