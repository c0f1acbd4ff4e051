"""A service process freezes what its start-up built, once, out of the collector's sight."""

import gc
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
import uvicorn
from fastapi import FastAPI

from samverkan_shared.cli import _parser
from samverkan_shared.service_process import FrozenServer
from tests.support.apps import bare_app
from tests.support.processes import free_port


@pytest.fixture(autouse=True)
def _collectable_again() -> Iterator[None]:
    gc.unfreeze()
    yield
    gc.unfreeze()


@contextmanager
def serving(app: FastAPI) -> Iterator[tuple[FrozenServer, str]]:
    """``app`` served by a FrozenServer in a thread, on a free port."""
    port = free_port()
    # log_config=None: the test's logging stays as it is.
    server = FrozenServer(uvicorn.Config(app, port=port, log_config=None))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and thread.is_alive():
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.01)
    try:
        yield server, f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(20)


def test_the_server_freezes_what_start_up_built(tmp_path: Path) -> None:
    with serving(bare_app(tmp_path)) as (server, url):
        assert server.started
        assert gc.get_freeze_count() > 1000
        assert httpx.get(f"{url}/healthz").status_code == 200


def test_a_failed_start_up_freezes_nothing(tmp_path: Path) -> None:
    def refuse(_stack: object, _platform: object) -> None:
        raise RuntimeError("no signing key")

    with serving(bare_app(tmp_path, open_state=refuse)) as (server, _):
        assert not server.started
    assert gc.get_freeze_count() == 0


def test_the_supervisors_command_parses_as_the_process_step() -> None:
    args = _parser().parse_args(
        ["uvicorn", "samverkan_tips.app:create_app", "--host", "h", "--port", "8001"]
    )
    assert (args.factory, args.host, args.port, args.workers) == (
        "samverkan_tips.app:create_app",
        "h",
        8001,
        1,
    )
