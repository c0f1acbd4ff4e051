"""Start-up leaves its objects out of the cyclic collector's sight; shutdown undoes it."""

import gc
from pathlib import Path

from fastapi.testclient import TestClient

from samverkan_shared.db import make_engine
from samverkan_shared.service_app import build_app
from samverkan_shared.settings import ServiceSettings


def test_startup_freezes_what_exists_and_shutdown_unfreezes(tmp_path: Path) -> None:
    app = build_app(
        service="test",
        title="t",
        description="t",
        settings=ServiceSettings(data_dir=tmp_path),
        engine=make_engine(f"sqlite:///{tmp_path}/t.db"),
    )
    gc.unfreeze()
    with TestClient(app) as client:
        assert gc.get_freeze_count() > 1000
        assert client.get("/healthz").status_code == 200
    assert gc.get_freeze_count() == 0
