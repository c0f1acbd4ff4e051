"""An app's lifespan leaves the collector's frozen heap alone: it is the process's."""

import gc
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.support.apps import bare_app


@pytest.fixture
def _frozen() -> Iterator[None]:
    """The heap frozen as a server process freezes it; collectable again after."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def test_an_apps_start_up_freezes_nothing(tmp_path: Path) -> None:
    gc.unfreeze()
    with TestClient(bare_app(tmp_path)) as client:
        assert client.get("/healthz").status_code == 200
        assert gc.get_freeze_count() == 0
    assert gc.get_freeze_count() == 0


@pytest.mark.usefixtures("_frozen")
def test_one_apps_shutdown_leaves_the_others_frozen_heap(tmp_path: Path) -> None:
    """Two apps in one process (the in-process suite): stopping one unfreezes nothing."""
    (tmp_path / "first").mkdir()
    (tmp_path / "second").mkdir()
    first = bare_app(tmp_path / "first")
    second = bare_app(tmp_path / "second")
    with TestClient(first) as first_client:
        with TestClient(second) as second_client:
            assert second_client.get("/healthz").status_code == 200
        # Frozen objects that die leave the count; unfrozen, it would be 0.
        assert gc.get_freeze_count() > 1000
        assert first_client.get("/healthz").status_code == 200
    assert gc.get_freeze_count() > 1000
