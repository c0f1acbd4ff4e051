"""Waiting for another thread or process: poll a condition up to a deadline, never a
fixed sleep that guesses how long the other party takes."""

import time
from collections.abc import Callable


def wait_until(
    condition: Callable[[], bool],
    timeout: float = 30.0,
    *,
    interval: float = 0.01,
    what: str = "condition",
) -> None:
    """Return once ``condition()`` is true; AssertionError after ``timeout`` seconds.

    The timeout is generous on purpose: it bounds a hang on a busy machine, it is not
    how long the wait is expected to take.
    """
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} not reached in {timeout} s")
        time.sleep(interval)
