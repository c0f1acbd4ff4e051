"""Start-up leaves its objects out of the cyclic collector's sight; shutdown undoes it."""

import gc
from pathlib import Path

from fastapi.testclient import TestClient

from tests.support.apps import bare_app


def test_startup_freezes_what_exists_and_shutdown_unfreezes(tmp_path: Path) -> None:
    app = bare_app(tmp_path)
    gc.unfreeze()
    with TestClient(app) as client:
        assert gc.get_freeze_count() > 1000
        assert client.get("/healthz").status_code == 200
    assert gc.get_freeze_count() == 0
