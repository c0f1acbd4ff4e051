"""Stopping the suite's children the same way however the supervisor was started
(from a terminal, `nohup … &`, a CI runner that ignores SIGINT): SIGTERM, then
SIGKILL to the child's whole process group once a deadline has passed.
"""

import os
import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from types import FrameType

import structlog

__all__ = ["signals_held", "stopped_by_signals", "wait_or_kill"]

# These lines are the supervisor's own, under its logger's name.
_log = structlog.get_logger("samverkan.supervisor")


@contextmanager
def stopped_by_signals() -> Iterator[None]:
    """SIGINT and SIGTERM raise KeyboardInterrupt here, however this process started.

    A process started with SIGINT ignored (`nohup … &`, many CI runners) inherits
    SIG_IGN, and Python then leaves it ignored: Ctrl-C would reach nothing and the
    services would outlive the supervisor. The earlier handlers come back on exit.
    """

    def _interrupt(_signum: int, _frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    previous = {
        s: signal.signal(s, _interrupt) for s in (signal.SIGINT, signal.SIGTERM)
    }
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


@contextmanager
def signals_held() -> Iterator[None]:
    """Ignore SIGINT/SIGTERM meanwhile: a second Ctrl-C must not cut a stop short.

    Stopping is bounded by its own deadline. Off the main thread (where signals
    cannot be handled) this does nothing.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {
        s: signal.signal(s, signal.SIG_IGN) for s in (signal.SIGINT, signal.SIGTERM)
    }
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def _kill_group(child: subprocess.Popen[bytes]) -> None:
    """SIGKILL the child's process group: the child and any worker it left behind."""
    with suppress(ProcessLookupError, PermissionError):  # the group is gone already
        os.killpg(child.pid, signal.SIGKILL)


def wait_or_kill(child: subprocess.Popen[bytes], deadline: float) -> None:
    """Wait for ``child`` until ``deadline`` (monotonic), then SIGKILL its group,
    which also ends any worker the child left behind."""
    try:
        child.wait(max(0.0, deadline - time.monotonic()))
    except subprocess.TimeoutExpired:
        _log.warning(
            "child_killed", pid=child.pid, detail="did not stop in time; killing it"
        )
    _kill_group(child)
    child.wait()
