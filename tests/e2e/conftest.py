"""Fixtures of the end-to-end tests: `samverkan run` started as a user starts it."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.supervisor_runs import Runs, Starter, Watcher


@pytest.fixture
def samverkan(tmp_path: Path) -> Iterator[Starter]:
    """Starts `samverkan run`; at the end kills every process any run left behind."""
    runs = Runs(tmp_path)
    watcher = Watcher(runs.remember_descendants)
    try:
        yield runs.start
    finally:
        watcher.stop()
        runs.kill_all()
